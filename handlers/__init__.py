"""The bot's handlers: one small module per job, each with a module-level `router`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def fresh_routers() -> list[Router]:
    """Copies of every module router, in dispatch order, for one new Dispatcher.

    An aiogram router can belong to one dispatcher only, and tests and benchmarks build
    several in one process; handler objects are shared, routers are not.
    """
    from aiogram import Router

    from handlers import (
        admin,
        articles,
        commands,
        errors,
        export,
        feeds_admin,
        follow,
        inline,
        lookup,
        maps,
        moderation,
        stats,
    )

    # order matters: moderation's, feeds' and follow's buttons before lookup's catch-all callback, the
    # article router's catch-all handlers last
    modules = (
        errors, commands, admin, moderation, feeds_admin, follow, maps, lookup, stats, export, inline, articles
    )  # fmt: skip
    copies = []
    for module in modules:
        source: Router = module.router
        copy = Router(name=source.name)
        for name, observer in source.observers.items():
            copy.observers[name].handlers.extend(observer.handlers)
        copies.append(copy)
    return copies
