"""The file methods: storing uploads, sendPhoto, sendDocument, getFile and the download route."""

from __future__ import annotations

import mimetypes
from typing import Any

from aiohttp import web

from .errors import MAX_DOWNLOAD, _bad
from .files import StoredFile, _image_size


class FilesMixin:
    """Files in the Bot API: media parameters, stored files and their download."""

    def _store_file(
        self, data: bytes, folder: str, ext: str, name: str | None, mime: str | None
    ) -> StoredFile:
        n = next(self._file_ids)
        stored = StoredFile(
            f"FAKE{folder[:3].upper()}{n:06d}AgADfake",
            f"AQAD{n:06d}",
            data,
            f"{folder}/file_{n}.{ext}",
            name,
            mime,
        )
        self._files[stored.file_id] = stored
        self._paths[stored.file_path] = stored.file_id
        return stored

    @staticmethod
    def _document_obj(stored: StoredFile) -> dict[str, Any]:
        doc = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        if stored.file_name:
            doc["file_name"] = stored.file_name
        if stored.mime_type:
            doc["mime_type"] = stored.mime_type
        return doc

    def _input_file(
        self, params: dict[str, Any], files: dict[str, tuple[str, bytes, str]], key: str
    ) -> tuple[bytes, str | None, str | None, StoredFile | None]:
        """(bytes, filename, content type, already stored file) of a media parameter."""
        value = params.get(key)
        if key in files and value is None:
            name, data, ctype = files[key]
        elif isinstance(value, str) and value.startswith("attach://"):
            part = files.get(value.removeprefix("attach://"))
            if part is None:
                raise _bad("wrong file identifier/HTTP URL specified")
            name, data, ctype = part
        elif isinstance(value, str) and value in self._files:
            stored = self._files[value]
            return stored.data, stored.file_name, stored.mime_type, stored
        elif isinstance(value, str) and value.startswith(("http://", "https://")):
            raise _bad("failed to get HTTP URL content")
        else:
            raise _bad(
                "wrong file identifier/HTTP URL specified" if value else f"there is no {key} in the request"
            )
        if not data:
            raise _bad("file must be non-empty")
        return data, name, ctype, None

    async def _m_sendphoto(self, params: dict, files: dict) -> Any:
        chat = self._target_chat(params)
        content = self._formatted(params, "caption", "caption_entities")
        data, _, _, stored = self._input_file(params, files, "photo")
        size = _image_size(data)
        if size is None:
            raise _bad("IMAGE_PROCESS_FAILED")
        stored = stored or self._store_file(data, "photos", "jpg", None, "image/jpeg")
        w, h = size
        content["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": w,
                "height": h,
                "file_size": len(data),
            }
        ]
        return self._send(chat, params, content)

    async def _m_senddocument(self, params: dict, files: dict) -> Any:
        chat = self._target_chat(params)
        content = self._formatted(params, "caption", "caption_entities")
        data, name, ctype, stored = self._input_file(params, files, "document")
        if stored is None:
            ext = name.rsplit(".", 1)[-1] if name and "." in name else "bin"
            mime = mimetypes.guess_type(name or "")[0] or ctype or "application/octet-stream"
            stored = self._store_file(data, "documents", ext, name, mime)
        content["document"] = self._document_obj(stored)
        return self._send(chat, params, content)

    async def _m_getfile(self, params: dict, files: dict) -> Any:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise _bad("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD:
            raise _bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        file_id = self._paths.get(request.match_info["path"])
        if file_id is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        stored = self._files[file_id]
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
