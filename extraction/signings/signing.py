"""Which sentences report a signed agreement, and what kind of document it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

# past or perfective signing predicates (verbs, participles, the signing as a past event)
SIGNED = re.compile(
    r"\b(?:подписал[аио]?|подписали|подписан[аоы]?|подписанн(?:ое|ый|ая|ого|ой|ому|ым|ом|ые|ых)|"
    r"подписав(?:ш\w+)?|заключил[аио]?|заключили|заключ[её]н[аоы]?|заключенн\w+|"
    r"скрепил[аи]?\s+(?:своими\s+)?подписями|ударил[аи]?\s+по\s+рукам|подписыва(?:ют|ет)|заключа(?:ют|ет)|поставил[аи]?\s+(?:свои\s+)?подписи|"
    r"подпис[ьи]\s+(?:под\s+\w+\s+)?(?:[\w.«»\"-]+\s+){0,5}поставил[аи]?|"
    r"(?:состоял[аось]+|прош[её]л|прошла|прошло)\s+(?:торжественное\s+|церемони[яи]\s+)?подписани[ея]|"
    r"подписани[ея]\s+(?:\w+\s+){0,4}(?:состоял[аось]+|прошл[оа])|"
    # "Церемония подписания соглашения с президентом академии Имя Фамилия прошла в ...": a longer object
    r"церемони[яи]\s+(?:торжественного\s+)?подписани[ея]\s+[^.;]{0,120}?\s(?:состоял[аось]+|прош(?:ла|ло))|"
    r"(?:после|по\s+итогам|в\s+ходе|во\s+время)\s+(?:церемонии\s+)?подписания|"
    # the signing as the outcome: "Итогом встречи стало подписание соглашения", "Её итогом стало соглашение"
    r"стал[оаи]?\s+(?:подписание|заключение)|(?:итог\w*|результат\w*)\s+(?:[\w-]+\s+){0,2}стал[оаи]?"
    r"(?=\s+(?:[\w-]+\s+){0,2}(?:соглашени|меморандум|договор(?!ённ|енн)))|"
    r"(?:завершил|закончил|увенчал)\w*\s+подписанием|"
    # a reported signing: "Губернатор сообщил о подписании соглашения между ...", "объявил о заключении"
    r"(?:сообщил|объявил|рассказал|заявил|доложил)[аи]?\s+о\s+(?:состоявшемся\s+)?(?:подписании|заключении)"
    r"(?=\s+(?:[\w-]+\s+){0,2}(?:соглашени|меморандум|договор))|"
    # "Визит начался с подписания протокола", "Событие ознаменовалось скреплением документа подписями"
    r"(?:начал(?:ся|ась|ось|ись)|открыл(?:ся|ась|ось|ись)|ознаменовал(?:ся|ась|ось|ись))\s+(?:с\s+)?"
    r"(?:подписани|заключени|скреплени)(?:я|ем)|"
    # "Своими подписями документ скрепили ..."
    r"подпис(?:ями|и)\s+(?:[\w«»\"-]+,?\s+){0,4}(?:скрепил|закрепил)[аи]?|"
    # "Документ, заверенный губернатором ...": a document certified by the signers' hands
    r"заверенн(?:ый|ое|ая|ые)\s+(?=\w+(?:ом|ем|ой|ым|ыми|ами)\b)|"
    r"(?:закрепил|скрепил)[аи]?\s+(?:[\w«»\"-]+\s+){0,3}подпис(?:ями|ью))\b",
    re.I,
)
# future, intent, modality and negation near the predicate: not (yet) signed
NOT_YET = re.compile(
    r"\b(?:будет|будут|будем|может\s+быть|могут\s+быть|должн\w*\s+быть|планиру\w*|намерен\w*|"
    r"собира\w+|готов\w*|предполага\w*|рассчитыва\w*|ожида\w*|не\s+был[аио]?|не)\s+(?:\w+\s+){0,2}$",
    re.I,
)
# "Проект удалось реализовать после соглашения, которое губернатор подписал ...": the signing is the cause
# of the news, recalled in a relative clause
RECALLED_CLAUSE = re.compile(
    r"\b(?:после|благодаря|в\s+рамках|в\s+соответствии\s+с|согласно|на\s+основании|в\s+результате|в\s+силу)\s+"
    r"(?:[\w-]+\s+){0,2}(?:соглашени|договор|меморандум|контракт)\w*\s*,\s*(?:котор\w+)\b",
    re.I,
)
# "подписали соглашение о сотрудничестве и дорожную карту по его реализации": a second document, of another
# kind, joined to the first as one more object of the signing (its nominative/accusative forms only: "по
# реализации соглашения" is no document of its own)
ALSO_DOC = re.compile(
    r"(?:\bи|\bа\s+также|,)\s+(?:[\w-]+\s+){0,2}?(?P<doc>дорожн(?:ую|ая)\s+карт[уа]|протокол\b|меморандум\b|"
    r"соглашение\b|договор\b|план\s+(?:мероприятий|совместных|действий)|программ[уа]\s+(?:сотрудничества|развития|"
    r"совместных))",
    re.I,
)
# documents and deals that are no cooperation agreement: a draft's own legal formula, a dispute or a
# termination, labour and settlement agreements
OTHER_DEAL = re.compile(
    r"\bнастоящ\w+\s+(?:соглашени|договор|меморандум)\w*|\bо\s+нижеследующем\b|"
    r"\b(?:расторг\w*|расторжени\w+|иск(?:а|ом|у|и|ов|ам|ами)?|арбитражн\w+\s+суд\w*|претензи\w+|обжалова\w+|"
    r"оспари\w+|в\s+суд(?:е|а)?|суд\s+(?:рассмотр|обязал|признал)\w*|следстви\w*|приговор\w*|взятк\w*|"
    r"уголовн\w+\s+дел\w*)\b|"
    r"\b(?:коллективн\w+|трудов\w+|служебн\w+)\s+(?:договор|контракт|соглашени)\w*|\bмиров\w+\s+соглашени\w*|"
    r"\b(?:трехсторонн|тр[её]хсторонн|отраслев)\w+\s+соглашени\w*\s+(?:о|по|об)\s+(?:минимальн|заработн|оплат|"
    r"регулировани\w+\s+социально-трудов|социальн\w+\s+партн[её]рств)",
    re.I,
)
# what a near-miss says instead of a signing: "подпишут", "планируется подписать", "проект соглашения"
FUTURE = re.compile(
    r"\b(?:подпиш(?:ет|ут|ем)|заключ(?:ит|ат|им)|подписать|заключить|подписани[еяю]|будет\s+подписан\w*|"
    r"будут\s+подписан\w*|проект\w*\s+(?:соглашени|договор|меморандум)\w*|переговор\w*|обсуди\w*)",
    re.I,
)
DOC = re.compile(
    r"(?P<conc>концессионн\w+\s+соглашени\w*|концесси(?:я|ю|и|ей)\b)|(?P<road>дорожн\w+\s+карт\w*)|(?P<memo>меморандум\w*)|"
    # (СЗПК: соглашение о защите и поощрении капиталовложений; СПИК: специальный инвестиционный контракт)
    r"(?P<agr>соглашени\w*|\bСЗПК\b)|(?P<contract>договор(?:а|ов|ы|у|ом|е)?\b|контракт\w*|\bСПИК\b)|(?P<prot>протокол\w*)|"
    r"(?P<doc>документ\w*)|(?P<other>программ\w+\s+(?:сотрудничеств|развити|совместн)\w*|"
    r"план\w*\s+(?:мероприятий|совместных|действий)|декларац\w+|харти\w+|"
    r"приложени\w+\s+(?:на\s+\d{4}\s+год\s+)?к\s+(?:соглашени|договор|меморандум)\w*)",
    re.I,
)
DOC_TYPE = {
    "conc": "концессионное соглашение", "road": "дорожная карта", "memo": "меморандум",
    "agr": "соглашение", "contract": "договор", "prot": "протокол", "other": "другое",
}
# earlier events recalled for background: "Ранее компания подписала соглашение с ..."
# openings shared with fill_amount.BACKGROUND, which adds those that only rule out a sum
RECALL_OPENINGS = r"ранее|напомним|как\s+сообщалось|в\s+прошлом\s+году|в\s+(?:19|20)\d\d\s+году|до\s+этого"
BACKGROUND = re.compile(
    rf"^\s*(?:{RECALL_OPENINGS}|как\s+писал\w*|также\s+ранее|годом\s+ранее)\b",
    re.I,
)
# (not "Законодательное собрание", "указанный": a legislature and a participle are no decree)
NOT_AGREEMENT = re.compile(
    r"\b(?:указ(?!анн|ыва)\w*|закон(?!одат)\w*|постановлени\w*|распоряжени\w*|письм\w+|обращени\w+)\b", re.I
)
TOPIC = re.compile(r"^\s*(?:\S+\s+){0,1}?(?:о|об|по)\s+(?P<w>[а-яё-]+)", re.I)
PLURAL_DOC = re.compile(
    r"\b(?:соглашений|меморандумов|договоров|(?:два|две|три|четыре|пять|несколько|ряд)\s+(?:[а-яё]+(?:ых|их)\s+)?"
    r"(?:соглашени[йя]|меморандум\w*|договор\w*|документ(?:а|ов)))\b",
    re.I,
)
PLURAL_OBJECT = re.compile(
    r"^\s+(?:(?!подписани|заключени)[\w-]+\s+){0,3}[«\"]?(?:соглашения|меморандумы|договоры|дорожн\w+\s+карты|протоколы)\b",
    re.I,
)
# "с тремя регионами", "с несколькими компаниями": one document with each
PLURAL_WITH = re.compile(
    r"\bс\s+(?:двумя|тремя|четырьмя|пятью|шестью|семью|несколькими|рядом)\s+(?:[\w-]+\s+)?"
    r"(?:регион|компани|партн[её]р|субъект|област|банк|организаци|вуз|университет|город|инвестор)\w*",
    re.I,
)
# one item of a roundup: "Первое — с ПАО «А».", "Вторым документом стало ...", "2) С VK — подписали ..."
ITEM = re.compile(
    r"^\W{0,6}?(?:(?:перв|втор|трет|четв[её]рт|пят|шест|седьм)(?:ое|ой|ый|ий|ым|им|ая|ье|ьим|ьей|ья)\b"
    r"(?:(?:\s+(?:стал[оаи]?|был[оаи]?))?\s+(?:соглашени|меморандум|договор|документ)\w*|(?=\s*(?:[—–:-]|со?\s)))"
    r"|\d[.)]|\d\ufe0f?\u20e3"
    # "Одно из них — с «Почтой России»"
    r"|одн(?:о|им|а|ой)\s+из\s+(?:(?:таких|этих|подписанных|заключенных|заключённых)\s+)?"
    r"(?:них|соглашений|документов|меморандумов|договоров)\b)",
    re.I,
)
HISTORY = re.compile(r"\bв\s+(?:19|20)\d\d\s+год|\bранее\b|\bпрошл\w+\s+год", re.I)
# a tally of the whole event, not one agreement: "Всего на форуме заключены документы на 27 млрд"
# (also after an attribution: "По данным правительства, всего на форуме подписано ...")
TOTAL = re.compile(
    r"^(?:\W*(?:по\s+(?:данным|словам|информации|оценк\w+)|как\s+(?:сообщи|отмети|рассказа|уточни)\w*)[^.,]{0,80},\s*)?"
    r"(?:всего|итого|в\s+общей\s+сложности)\b|\bв\s+общей\s+сложности\b", re.I
)
PLURAL_SUBJECT = re.compile(r"\b(?:соглашения|меморандумы|договоры)\b", re.I)
COUNTED = re.compile(
    r"(?<![\w-])(?:\d+|более\s+\d+|свыше\s+\d+|около\s+\d+|десят\w+|сотн\w+|ряд)\s+(?:[а-яё-]+(?:ых|их)\s+)?$", re.I
)
# a reference to a signing told elsewhere ("подписанное вчера соглашение", "после подписания"), unlike
# a report of it ("состоялось подписание соглашения между ...", "итогом встречи стало подписание")
WEAK = re.compile(r"подписанн|подписав|^(?:после|по\s+итогам|в\s+ходе|во\s+время)\b", re.I)
# "кроме того, подписано ...", "затем", "ещё одно": another document than the one just reported
ADDITIVE = re.compile(
    r"\b(?:кроме\s+того|также|помимо\s+(?:этого|того)|второе|другое|общее|отдельное|затем|после\s+этого|следом|"
    r"ещ[её]\s+(?:одно|один|одна|одним|одной)|в\s+свою\s+очередь)\b",
    re.I,
)


# an act of signing that needs no document noun to be about one: "подписи поставили", "скрепили подписями"
SIGNATURE_ACT = re.compile(r"подпис(?:ь|и|ями|ью)\b|скрепил|закрепил|поставил", re.I)


# the year a recalled signing happened: "было подписано в 2016 году", "в 2018 году стороны подписали"
PAST_YEAR = re.compile(r"\bв\s+(?:(?P<year>(?:19|20)\d\d)\s+(?:год[уа]?|г\.)|(?P<last>прошлом)\s+году)", re.I)


@dataclass(slots=True)
class Signing:
    """A sentence that reports a signing."""

    index: int  # sentence index
    doc_type: str | None  # None: the document is only referred to ("Документ подписали")
    topic: str | None  # first word after "о/об/по" following the document noun
    plural: bool
    additive: bool
    anaphoric: bool  # starts with the document noun: refers back to one already named
    predicate_at: int
    weak: bool  # only "церемония подписания прошла", "после подписания": no clause with the parties
    item: bool = False  # one numbered/ordinal item of a roundup: always its own agreement
    tally: bool = False  # "подписал 15 соглашений": several documents counted, none reported by itself
    plural_ref: bool = False  # speaks of the documents together: "документы подписал ..."
    between: bool = False  # names its own sides: "соглашение ... между министерством А и министерством Б"
    recalled: bool = False  # background with its own year: "Напомним, соглашение ... подписано в 2016 году"
    also: tuple[str, ...] = ()  # more documents of other kinds signed at once: "соглашение и дорожную карту"


def _topic_noun(rest: str) -> str | None:
    """The first noun of "о социально-экономическом сотрудничестве": what the document is about."""
    from extraction.reading.nlp import parses

    for w in re.findall(r"[а-яё-]+", rest.lower())[:4]:
        ps = parses(w)
        if ps and "NOUN" in ps[0].tag.grammemes:
            return ps[0].normal_form
    return None


# "в рамках подписанного в 2019 году соглашения": a document signed earlier, named in passing
OBLIQUE_PARTICIPLE = re.compile(r"(?:подписанн|заключенн|заключённ)(?:ого|ому|ым|ом|ой|ых|ыми|ую)", re.I)
EARLIER = re.compile(r"\bв\s+(?:19|20)\d\d\s+(?:году|г\.)|\bв\s+прошлом\s+году|\bранее\b|\bгод\s+назад|"
                     r"\bв\s+позапрошлом|\b(?:несколько|два|три|пять)\s+(?:лет|года)\s+назад", re.I)


# the present tense reports a signing only as it happens: "Сегодня ... подписывают соглашение"
PRESENT = re.compile(r"^(?:подписыва|заключа)", re.I)
NOW = re.compile(r"\b(?:сегодня|прямо\s+сейчас|в\s+эти\s+(?:минуты|часы))\b", re.I)


def _not_yet(sentence: str, at: int) -> bool:
    if PRESENT.match(sentence[at:]) and not NOW.search(sentence):
        return True  # "регионы ежегодно подписывают соглашения": a habit, not a report
    return bool(NOT_YET.search(sentence[max(0, at - 40): at]))


def detect(sentence: str, index: int, follows_signing: bool = False, after_plural: bool = False,
           after_signing: bool = False) -> Signing | None:
    """A Signing when `sentence` reports a document as signed (not planned, not a decree).

    Right after a signing sentence, one without a document noun ("Подписи поставили ...") continues it.
    After a signing of several documents (`after_plural`), an ordinal or numbered item ("Второе — с ...")
    reports one of them.
    """
    found = judge(sentence, index, follows_signing, after_plural, after_signing)
    return found if isinstance(found, Signing) else None


def judge(sentence: str, index: int, follows_signing: bool = False, after_plural: bool = False,
          after_signing: bool = False) -> Signing | str | None:
    """`detect`'s verdict: a Signing, the reason a near-miss is turned down, or None (no signing talk)."""
    if TOTAL.search(sentence):
        return "a tally of the whole event («всего … подписано»), not one agreement"
    other = OTHER_DEAL.search(sentence)
    if other:
        return f"not a cooperation agreement: a draft's own formula, a dispute or a labour contract («{other[0]}»)"
    if BACKGROUND.match(sentence):
        return _recalled(sentence, index)
    item = ITEM.match(sentence)
    if item and HISTORY.search(sentence):
        item = None  # "Первое соглашение было подписано в 2015 году": history, not a passage of this roundup
    # a numbered line continues a list only after a signing of several documents; "Второе соглашение",
    # "Вторым документом стало" speak of one more document by themselves
    if item and (after_plural or (follows_signing and not item[0][-1:].isdigit())
                 or (after_signing and DOC.match(item[0].split()[-1]))):
        docs = [d for d in DOC.finditer(sentence) if d.lastgroup != "doc"]
        return Signing(index, DOC_TYPE[docs[0].lastgroup] if docs else None, None, False, False, False,
                       item.end(), False, item=True)
    pred = None
    turned_down = None
    for m in SIGNED.finditer(sentence):
        if not _not_yet(sentence, m.start()):
            pred = m
            break
        turned_down = turned_down or m
    if pred is not None:
        preds = [m for m in SIGNED.finditer(sentence) if not _not_yet(sentence, m.start())]
        if all(OBLIQUE_PARTICIPLE.fullmatch(m[0]) for m in preds) and EARLIER.search(sentence):
            return ("an earlier signing named in passing («в рамках подписанного в 2019 году соглашения»): "
                    "the news is something else")
        clause = RECALLED_CLAUSE.search(sentence, 0, pred.start())
        if clause and pred.start() - clause.end() < 80:
            return "a signing recalled in a clause («после соглашения, которое …»): the news is what followed"
    if pred is None:
        if turned_down is not None:
            return f"not signed (yet): a plan, the future, a habit or a negation at «{turned_down[0]}»"
        future = FUTURE.search(sentence)
        if future and DOC.search(sentence):
            return f"not signed (yet): the future, a plan or talks at «{future[0]}»"
        return None
    docs = list(DOC.finditer(sentence))
    if not docs:
        # "Свои подписи поставили ...": signatures on the document told of last, however far back
        sealed = after_signing and bool(SIGNATURE_ACT.search(pred[0]))
        if (follows_signing or sealed) and not NOT_AGREEMENT.search(sentence):
            return Signing(index, None, None, False, False, True, pred.start(), bool(WEAK.search(pred[0])))
        return None
    if NOT_AGREEMENT.search(sentence) and not any(d.lastgroup != "doc" for d in docs):
        return "a decree, law or letter, not an agreement"
    typed = [d for d in docs if d.lastgroup != "doc"]
    # "регион подписал 15 соглашений с инвесторами": a tally, not a report of one; it may still lead a
    # roundup whose passages report them one by one
    tally = bool(typed) and all(COUNTED.search(sentence[: d.start()]) for d in typed)
    # the document noun nearest the predicate names the type
    best = min(typed, key=lambda d: abs(d.start() - pred.start())) if typed else None
    doc_type = DOC_TYPE[best.lastgroup] if best else None
    topic = None
    if best:
        t = TOPIC.match(sentence[best.end():])
        if t:
            topic = _topic_noun(sentence[best.end() + t.start("w"):])
    also = _also(sentence, best, doc_type) if best else ()
    first = docs[0]
    # "состоялось подписание соглашения": the genitive after the noun is one document, not several
    nominal = bool(re.search(r"(?:подписани|заключени)\w*$", pred[0], re.I))
    anaphoric = sentence[: first.start()].strip(" «\"") == "" and topic is None
    return Signing(
        index=index,
        doc_type=doc_type,
        topic=topic,
        plural=tally or bool(PLURAL_DOC.search(sentence))
        or (bool(PLURAL_SUBJECT.search(sentence)) and pred[0].lower().endswith(("ны", "ли")))
        or (not nominal and bool(PLURAL_OBJECT.match(sentence[pred.end():])))
        or bool(PLURAL_WITH.search(sentence)),
        additive=bool(ADDITIVE.search(sentence[: pred.start()] + " " + sentence[pred.end():][:30])),
        anaphoric=anaphoric,
        predicate_at=pred.start(),
        weak=bool(WEAK.search(pred[0])),
        between=bool(best) and bool(re.search(r"\bмежду\b", sentence[best.end():])),
        tally=tally,
        plural_ref=bool(re.search(r"\b(?:документы|соглашения|меморандумы|договоры)\b",
                                  sentence[: pred.start()] + sentence[pred.end() + (12 if nominal else 0):], re.I)),
        also=also,
    )


def _also(sentence: str, best: re.Match, doc_type: str | None) -> tuple[str, ...]:
    """Kinds of the other documents the sentence signs together with the first one."""
    out: list[str] = []
    for m in ALSO_DOC.finditer(sentence, best.end()):
        kind = DOC.match(m["doc"])
        found = DOC_TYPE.get(kind.lastgroup, "другое") if kind else None
        if found and found != doc_type and found not in out:
            out.append(found)
    return tuple(out)


def find_signings(texts: list[str]) -> tuple[list[Signing], list[tuple[int, str]]]:
    """The signing sentences of an article, in order, and the near-misses turned down with the reason."""
    signings: list[Signing] = []
    rejected: list[tuple[int, str]] = []
    for i, t in enumerate(texts):
        found = judge(t, i, follows_signing=bool(signings) and signings[-1].index == i - 1,
                      after_plural=any(x.plural and not x.weak for x in signings), after_signing=bool(signings))
        if isinstance(found, Signing):
            signings.append(found)
        elif found:
            rejected.append((i, found))
    return signings, rejected


def _recalled(sentence: str, index: int) -> Signing | str | None:
    """A background sentence reporting one document signed in a named year is an agreement of its own;
    counted ("подписано 50 документов") or undated recollections are not."""
    body = BACKGROUND.sub("", sentence, count=1)
    found = detect(body, index)
    if found is None:
        return None
    if not PAST_YEAR.search(sentence):
        return "an earlier signing recalled as background («ранее», «напомним»), with no year of its own"
    if found.doc_type is None or found.plural or found.tally:
        return "an earlier signing recalled as background: several documents, or none named"
    found.recalled = True
    found.additive = True
    return found
