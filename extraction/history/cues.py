"""Cues: does a sentence speak of an earlier agreement, and what does it say happened to it."""

from __future__ import annotations

import re

from extraction.history.models import AMENDED, OTHER, PROGRESS, TERMINATED
from extraction.signings.signing import RECALL_OPENINGS

# the document spoken of (an additional agreement is news of the one it amends)
DOC = re.compile(r"\b(?:допсоглашени|соглашени|меморандум|договор(?!ённ|енн|ил|ят|ит)|дорожн\w+\s+карт)\w*", re.I)
ADDITIONAL = re.compile(r"\b(?:дополнительн\w+\s+соглашени\w*|допсоглашени\w*)", re.I)
# an earlier agreement named as the ground of the news: "в рамках соглашения", "по соглашению 2019 года"
REFERENCE = re.compile(
    r"\b(?:в\s+рамках|во\s+исполнение|в\s+соответствии\s+с|согласно|на\s+основании|благодаря|по(?=\s+(?:[\w-]+\s+){0,3}"
    r"(?:соглашени|меморандум|договор)\w*\b)|в\s+развитие|в\s+продолжение|по\s+условиям|условия\w*|исполнени\w+|"
    r"реализаци\w+|выполнени\w+|действи\w+)\s+(?:[\w«»\"-]+\s+){0,3}?(?:допсоглашени|соглашени|меморандум|договор|"
    r"дорожн\w+\s+карт)\w*|"
    rf"(?:^|\.\s+)\W*(?:{RECALL_OPENINGS})\b|"
    r"\b(?:ранее\s+)?(?:подписанн|заключ[её]нн)\w+\s+(?:[\w«»\"-]+\s+){0,5}?(?:в\s+(?:19|20)\d\d|ранее|в\s+прошлом|"
    r"год\s+назад|\d+\s+(?:лет|года)\s+назад)|"
    r"\b(?:соглашени|меморандум|договор)\w*\s+(?:[\w-]+\s+){0,2}(?:от\s+[\d.]+\s*(?:[а-яё]+\s+)?)?(?:19|20)\d\d\s+(?:года|г\.)|"
    r"\bдействующ\w+\s+(?:соглашени|меморандум|договор)",
    re.I,
)
TERMINATED_CUE = re.compile(
    r"\b(?:расторгнут\w*|расторг(?:ла|ли|ло)?\b|расторжени\w+|растор(?:гает|гают)|прекращен\w*|прекратил\w*|"
    r"прекращает|прекращают|прекращени\w+\s+(?:действия|сотрудничества)|отозван\w*|отозвал\w*|отзыв\w*|"
    r"аннулирован\w*|аннулировал\w*|аннулировани\w+|признал\w*\s+(?:его\s+|документ\s+)?недействительн\w+|"
    r"признан\w*\s+недействительн\w+|вышл[аои]?\s+из|выш(?:ел|ла)\s+из|выход\w*\s+из|разорвал\w*|разорван\w*|"
    r"денонсир\w+|утратил\w*\s+силу|отказал\w*\s+от\s+(?:исполнения\s+|реализации\s+)?(?:соглашени|меморандум|договор)|"
    r"в\s+одностороннем\s+порядке)",
    re.I,
)
AMENDED_CUE = re.compile(
    r"\b(?:дополнительн\w+\s+соглашени\w*|допсоглашени\w*|продл[её]н\w*|продлил\w*|продлева\w+|продлени\w+|"
    r"пролонгир\w+|пролонгаци\w+|изменени\w+\s+в\s+(?:соглашени|меморандум|договор)|внесл\w+\s+изменени|"
    r"внесен\w*\s+изменени|нов\w+\s+редакци\w+|актуализир\w+|скорректир\w+|дополнил\w*|дополнен\w*\s+(?:новым|новыми|"
    r"разделом|пунктом|приложением)|расширил\w*\s+(?:действие|рамки))",
    re.I,
)
PROGRESS_CUE = re.compile(
    r"\b(?:построен\w*|построил\w*|возвед[её]н\w*|открыт(?:а|о|ы|ый|ая|ое|ые)?\b|открыл(?:а|о|и|ся|ась|ось|ись)?\b|"
    r"запущен\w*|запустил\w*|заработал\w*|введ[её]н\w*\s+в\s+эксплуатацию|ввел\w*\s+в\s+эксплуатацию|"
    r"инвестировал\w*|вложил\w*|вложен\w*|направлен\w*|направил\w*|выделил\w*|выделен\w*|поставлен\w*|"
    r"поставил(?:а|о|и)?\s+(?!свои\s+подпис|подпис)|поставк\w+|передал\w*|передан\w*|создан\w*|создал\w*|"
    r"реализован\w*|реализовал\w*|реализу(?:ется|ются)|завершен\w*|завершил\w*|отремонтирован\w*|"
    r"оборудован\w*|установлен\w*|установил\w*|закуплен\w*|закупил\w*|приобрет[её]н\w*|приобрел\w*|получил\w*|"
    r"обучен\w*|прошл\w+\s+обучение|трудоустроен\w*|высажен\w*|начал\w*\s+работ\w*|стартовал\w*|"
    r"модернизирован\w*|выпустил\w*|выпущен\w*|отгрузил\w*|отгружен\w*|привлечен\w*|уложен\w*|"
    r"проложен\w*|газифицирован\w*|обновил\w*|обновлен\w*|подключен\w*|подключил\w*|отремонтировал\w*|"
    r"благоустроен\w*|появил\w*|ведется|вед[её]тся|идет\s+строительство)",
    re.I,
)
# a plan, the future, a demand or a negation right before the cue: not (yet) what happened
NOT_YET = re.compile(
    r"\b(?:будет|будут|может|могут|мог(?:ут)?\s+быть|должн\w*|планиру\w*|плани\w+|намерен\w*|собира\w+|"
    r"готов\w*|предлож\w+|потребова\w+|требу\w+|грозит|рассматрива\w+|угрожа\w+|не|подпиш(?:ет|ут|ем)|"
    r"заключ(?:ит|ат|им)|подписать|заключить)\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)
# documents that are no cooperation agreement (labour, settlement, a purchase contract)
NOT_COOPERATION = re.compile(
    r"\b(?:коллективн\w+|трудов\w+|служебн\w+|миров\w+|кредитн\w+|арендн\w+|аренды|госконтракт\w*|"
    r"ипотечн\w+|брачн\w+|лицензионн\w+)\s+(?:договор|контракт|соглашени)\w*|\bдоговор\w*\s+(?:аренды|"
    r"купли|поставки|подряда|займа|лизинга)",
    re.I,
)
KIND_CUES = ((TERMINATED, TERMINATED_CUE), (AMENDED, AMENDED_CUE), (PROGRESS, PROGRESS_CUE))


def kind_of(sentence: str) -> tuple[str, str]:
    """(kind, the cue that decided it): the first kind, in the order terminated, amended, progress,
    whose cue is not a plan or a negation; `other` when none is."""
    demoted = ""
    for kind, cue in KIND_CUES:
        for m in cue.finditer(sentence):
            if NOT_YET.search(sentence[max(0, m.start() - 40) : m.start()]):
                demoted = demoted or m[0]
                continue
            return kind, m[0]
    return OTHER, f"not yet: {demoted}" if demoted else ""


def speaks_of_earlier(sentence: str) -> bool:
    """A document is named together with a reference to it as earlier or a change of its state."""
    if not DOC.search(sentence) or NOT_COOPERATION.search(sentence):
        return False
    return bool(REFERENCE.search(sentence) or TERMINATED_CUE.search(sentence) or AMENDED_CUE.search(sentence))
