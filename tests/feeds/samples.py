"""Articles and feeds (RSS 2.0, RSS 1.0/RDF, Atom) made up for the feed tests and bench/feeds.py."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

# (nominative as /region takes it, genitive as a press release writes it, the governor)
REGIONS = (
    ("Тверская", "Тверской области", "Игорь Руденя"),
    ("Калужская", "Калужской области", "Владислав Шапша"),
    ("Тульская", "Тульской области", "Алексей Дюмин"),
    ("Ярославская", "Ярославской области", "Михаил Евраев"),
    ("Томская", "Томской области", "Владимир Мазур"),
    ("Омская", "Омской области", "Виталий Хоценко"),
    ("Курская", "Курской области", "Роман Старовойт"),
    ("Псковская", "Псковской области", "Михаил Ведерников"),
    ("Пензенская", "Пензенской области", "Олег Мельниченко"),
    ("Рязанская", "Рязанской области", "Павел Малков"),
)
COMPANIES = (
    "Северный ветер", "Синяя птица", "Белый камень", "Зелёная долина", "Красный октябрь",
    "Волжский берег", "Тихая гавань", "Горный ключ", "Солнечный край", "Полярная звезда",
    "Русский лес", "Золотое поле", "Серебряный бор", "Новый путь", "Светлый дом",
    "Быстрая река", "Южный порт", "Старый мост", "Снежный барс", "Лесная поляна",
)  # fmt: skip
SPHERES = ("строительства ветропарка", "развития туризма", "цифровой экономики", "переработки леса", "логистики")
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября")


@dataclass(frozen=True, slots=True)
class Story:
    """One made-up article about one agreement."""

    region: str  # as /region takes it
    company: str
    title: str
    text: str  # paragraphs, one a line


def story(n: int) -> Story:
    """The n-th article: 200 pairs of a region and a company; the articles of one pair differ in date
    and sphere only, so that they read as edited copies of one agreement."""
    region, genitive, governor = REGIONS[n % len(REGIONS)]
    company = COMPANIES[(n // len(REGIONS)) % len(COMPANIES)]
    day = 1 + (n // (len(REGIONS) * len(COMPANIES))) % 28
    month = MONTHS[(n // 7) % len(MONTHS)]
    sphere = SPHERES[n % len(SPHERES)]
    title = f"Правительство {genitive} и компания «{company}» подписали соглашение"
    text = "\n".join(
        [
            f"Правительство {genitive} и компания «{company}» подписали соглашение о сотрудничестве "
            f"в сфере {sphere}.",
            f"Документ {day} {month} 2024 года подписали губернатор {genitive} {governor} и генеральный "
            f"директор компании Пётр Сидоров.",
            "Стороны намерены создать в регионе новые рабочие места и привлечь инвестиции, сообщили "
            "в пресс-службе правительства.",
        ]
    )
    return Story(region, company, title, text)


NO_AGREEMENT = (
    "В Костромской области завершился сезон сбора урожая. Аграрии собрали больше зерна, чем в прошлом "
    "году, а губернатор поблагодарил работников сельского хозяйства за их труд на торжественном собрании."
)


@dataclass(frozen=True, slots=True)
class Item:
    """A feed item: `full_text` goes into yandex:full-text / content:encoded / Atom content."""

    guid: str | None
    link: str | None
    title: str | None = None
    full_text: str | None = None
    summary: str | None = None
    published: str = "Tue, 04 Jun 2024 10:00:00 +0300"


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in text.splitlines())


def rss(items: list[Item], *, title: str = "Новости регионов", full_text: str = "yandex", encoding: str = "utf-8") -> bytes:
    """RSS 2.0; the full text as yandex:full-text (plain) or content:encoded (HTML)."""
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>',
        '<rss version="2.0" xmlns:yandex="http://news.yandex.ru" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        f"<channel><title>{escape(title)}</title><link>http://example.invalid/</link>"
        "<description>Лента</description>",
    ]
    for item in items:
        parts.append("<item>")
        if item.title:
            parts.append(f"<title>{escape(item.title)}</title>")
        if item.link:
            parts.append(f"<link>{escape(item.link)}</link>")
        if item.guid:
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        parts.append(f"<pubDate>{item.published}</pubDate>")
        if item.summary:
            parts.append(f"<description>{escape(item.summary)}</description>")
        if item.full_text:
            if full_text == "yandex":
                parts.append(f"<yandex:full-text>{escape(item.full_text)}</yandex:full-text>")
            else:
                parts.append(f"<content:encoded><![CDATA[{_paragraphs(item.full_text)}]]></content:encoded>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode(encoding)


def rdf(items: list[Item], *, title: str = "Новости (RDF)") -> bytes:
    """RSS 1.0 (RDF): items carry a link and a short description only."""
    about = " ".join(f'<rdf:li rdf:resource="{escape(i.link or "")}"/>' for i in items)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f'<channel rdf:about="http://example.invalid/rdf"><title>{escape(title)}</title>'
        "<link>http://example.invalid/</link><description>Лента</description>"
        f"<items><rdf:Seq>{about}</rdf:Seq></items></channel>",
    ]
    for item in items:
        parts.append(f'<item rdf:about="{escape(item.link or "")}">')
        if item.title:
            parts.append(f"<title>{escape(item.title)}</title>")
        if item.link:
            parts.append(f"<link>{escape(item.link)}</link>")
        if item.summary:
            parts.append(f"<description>{escape(item.summary)}</description>")
        parts.append("<dc:date>2024-06-04T10:00:00+03:00</dc:date></item>")
    parts.append("</rdf:RDF>")
    return "\n".join(parts).encode("utf-8")


def atom(items: list[Item], *, title: str = "Новости (Atom)") -> bytes:
    """Atom 1.0; the full text as HTML content."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>urn:feed:test</id><updated>2024-06-04T10:00:00Z</updated>",
    ]
    for item in items:
        parts.append("<entry>")
        if item.title:
            parts.append(f"<title>{escape(item.title)}</title>")
        if item.guid:
            parts.append(f"<id>{escape(item.guid)}</id>")
        if item.link:
            parts.append(f'<link rel="alternate" href="{escape(item.link)}"/>')
        parts.append("<updated>2024-06-04T10:00:00Z</updated>")
        if item.summary:
            parts.append(f"<summary>{escape(item.summary)}</summary>")
        if item.full_text:
            parts.append(f'<content type="html">{escape(_paragraphs(item.full_text))}</content>')
        parts.append("</entry>")
    parts.append("</feed>")
    return "\n".join(parts).encode("utf-8")


def article_page(title: str, text: str, *, charset: str = "utf-8") -> bytes:
    """A news page with the article between a menu and a footer."""
    return (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>{escape(title)}</title>"
        "<meta property='article:published_time' content='2024-06-04'></head><body>"
        "<nav><a href='/'>Главная</a> <a href='/about'>О нас</a></nav>"
        f"<article><h1>{escape(title)}</h1>{_paragraphs(text)}</article>"
        "<footer>© Новости регионов. Все права защищены.</footer></body></html>"
    ).encode(charset)


def malformed_feed(items: int = 20_000) -> bytes:
    """A multi-megabyte RSS that is not well-formed XML (stray `&`, unclosed tags): feedparser falls
    back to its pure-Python loose parser, which takes many seconds of CPU over it."""
    item = (
        "<item><title>Заголовок & <b>новость {n}</title><link>http://news.example/{n}</link>"
        "<description>текст <p> & &nbsp; <a href=x>ссылка</description></item>\n"
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Лента</title>'
    return (head + "".join(item.format(n=n) for n in range(items))).encode("utf-8")
