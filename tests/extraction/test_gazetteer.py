"""Tests of the gazetteer: region, country and foreign-unit tables and their matchers."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from extraction.finders import gazetteer as gz
from extraction.finders.gazetteer import (
    COUNTRIES,
    FOREIGN_UNITS,
    REGIONS,
    Region,
    find_capitals,
    find_countries,
    find_country,
    find_foreign_units,
    find_region,
    find_region_adjectives,
    find_regions,
    region_by_iso,
    region_by_name,
)

# An inflector of our own, independent of pymorphy2, for the shapes official names take.
_CITY_CASES = {
    "Москва": ("Москвы", "Москве"),
    "Санкт-Петербург": ("Санкт-Петербурга", "Санкт-Петербурге"),
    "Севастополь": ("Севастополя", "Севастополе"),
}
_NOUN_CASES = {
    "область": ("области", "области"),
    "край": ("края", "крае"),
    "округ": ("округа", "округе"),
    "Республика": ("Республики", "Республике"),
    "Кузбасс": ("Кузбасса", "Кузбассе"),
    "Чувашия": ("Чувашии", "Чувашии"),
    "Югра": ("Югры", "Югре"),
}


def _inflect(name: str, case: int) -> str:
    """Genitive (case 0) or prepositional (case 1) of a canonical region name."""
    if name in _CITY_CASES:
        return _CITY_CASES[name][case]
    words = name.split(" ")
    if words[0] == "Республика":  # "Республики Татарстан", "Республике Саха (Якутия)": the rest stays
        return " ".join([_NOUN_CASES["Республика"][case], *words[1:]])
    out = []
    for word in words:
        if word in _NOUN_CASES:
            out.append(_NOUN_CASES[word][case])
        elif word.endswith("ая"):
            out.append(word[:-2] + "ой")
        elif word.endswith(("ий", "ый")):
            out.append(word[:-2] + ("ого" if case == 0 else "ом"))
        else:
            out.append(word)
    return " ".join(out)


def _names(mentions: list[gz.RegionMention]) -> list[str]:
    return [m.region.name for m in mentions]


# ------------------------------------------------------------------------------------------- tables

def test_all_89_subjects_with_unique_names_and_well_formed_iso_codes() -> None:
    assert len(REGIONS) == 89
    assert len({r.name for r in REGIONS}) == 89
    isos = [r.iso for r in REGIONS]
    assert len(set(isos)) == 89
    assert all(re.fullmatch(r"RU-[A-Z]{2,3}", iso) for iso in isos), isos
    kinds = Counter(r.kind for r in REGIONS)
    assert kinds == {"республика": 24, "край": 9, "область": 48, "город": 3,
                     "автономная область": 1, "автономный округ": 4}
    assert all(isinstance(r, Region) and r.capital for r in REGIONS)


@pytest.mark.parametrize(
    ("name", "iso", "capital"),
    [
        ("Калужская область", "RU-KLU", "Калуга"),
        ("Москва", "RU-MOW", "Москва"),
        ("Санкт-Петербург", "RU-SPE", "Санкт-Петербург"),
        ("Республика Татарстан", "RU-TA", "Казань"),
        ("Республика Башкортостан", "RU-BA", "Уфа"),
        ("Республика Адыгея", "RU-AD", "Майкоп"),
        ("Республика Саха (Якутия)", "RU-SA", "Якутск"),
        ("Республика Северная Осетия — Алания", "RU-SE", "Владикавказ"),
        ("Кемеровская область — Кузбасс", "RU-KEM", "Кемерово"),
        ("Чувашская Республика — Чувашия", "RU-CU", "Чебоксары"),
        ("Ханты-Мансийский автономный округ — Югра", "RU-KHM", "Ханты-Мансийск"),
        ("Чукотский автономный округ", "RU-CHU", "Анадырь"),
        ("Еврейская автономная область", "RU-YEV", "Биробиджан"),
        ("Оренбургская область", "RU-ORE", "Оренбург"),
        ("Нижегородская область", "RU-NIZ", "Нижний Новгород"),
        ("Сахалинская область", "RU-SAK", "Южно-Сахалинск"),
        ("Донецкая Народная Республика", "RU-DPR", "Донецк"),
        ("Луганская Народная Республика", "RU-LPR", "Луганск"),
        ("Запорожская область", "RU-ZAP", "Мелитополь"),
        ("Херсонская область", "RU-KHE", "Геническ"),
        ("Республика Крым", "RU-CR", "Симферополь"),
        ("Севастополь", "RU-SEV", "Севастополь"),
    ],
)
def test_canonical_names_codes_and_capitals(name: str, iso: str, capital: str) -> None:
    region = region_by_name(name)
    assert region.iso == iso
    assert region.capital == capital
    assert region_by_iso(iso.lower()) is region


def test_lookup_by_name_folds_yo_and_case_and_rejects_unknown() -> None:
    assert region_by_name("москва").name == "Москва"
    with pytest.raises(KeyError):
        region_by_name("Московская губерния")
    with pytest.raises(KeyError):
        region_by_iso("UA-43")


def test_contract_aliases_present() -> None:
    assert "Калужская" in region_by_name("Калужская область").aliases
    assert "Калужская обл." in region_by_name("Калужская область").aliases
    assert "Оренбуржье" in region_by_name("Оренбургская область").aliases
    assert "Подмосковье" in region_by_name("Московская область").aliases
    assert "Кубань" in region_by_name("Краснодарский край").aliases
    assert "Югра" in region_by_name("Ханты-Мансийский автономный округ — Югра").aliases
    assert "Петербург" in region_by_name("Санкт-Петербург").aliases
    # capitals are kept apart from aliases: the engine decides whether a city means its region
    assert all(r.capital not in r.aliases for r in REGIONS)


# ------------------------------------------------------------------------------ regions in text

@pytest.mark.parametrize("region", REGIONS, ids=lambda r: r.iso)
def test_every_region_found_in_genitive_and_prepositional(region: Region) -> None:
    genitive, prepositional = _inflect(region.name, 0), _inflect(region.name, 1)
    text = f"Вчера губернатор {genitive} подписал соглашение. Форум прошёл в {prepositional} весной."
    mentions = find_regions(text)
    assert _names(mentions) == [region.name, region.name], (genitive, prepositional, mentions)
    assert [m.text for m in mentions] == [genitive, prepositional]
    assert all(text[m.start:m.end] == m.text and m.kind == "name" for m in mentions)


@pytest.mark.parametrize(
    ("text", "expected", "surface"),
    [
        ("Делегация из Калужской области приехала на завод.", "Калужская область", "Калужской области"),
        ("Инвестор пришёл в Калужскую область.", "Калужская область", "Калужскую область"),
        ("Аграрии Оренбуржья собрали урожай.", "Оренбургская область", "Оренбуржья"),
        ("Новый парк открыли в Подмосковье.", "Московская область", "Подмосковье"),
        ("Дороги на Кубани отремонтируют.", "Краснодарский край", "Кубани"),
        ("Нефтяники Югры встретились с депутатами.", "Ханты-Мансийский автономный округ — Югра", "Югры"),
        ("Президент Татарстана открыл выставку.", "Республика Татарстан", "Татарстана"),
        ("Музей в Петербурге обновил экспозицию.", "Санкт-Петербург", "Петербурге"),
        ("Рыбаки Сахалина вышли в море.", "Сахалинская область", "Сахалина"),
        ("Школы Якутии получили компьютеры.", "Республика Саха (Якутия)", "Якутии"),
        ("Газопровод проложат по ЯНАО.", "Ямало-Ненецкий автономный округ", "ЯНАО"),
        ("Врачи из ХМАО прошли обучение.", "Ханты-Мансийский автономный округ — Югра", "ХМАО"),
        ("Порт Чукотского АО принял судно.", "Чукотский автономный округ", "Чукотского АО"),
        ("Мост в Нижегородской обл. построят к осени.", "Нижегородская область", "Нижегородской обл."),
        ("Власти Ханты-Мансийского автономного округа – Югры подвели итоги.",
         "Ханты-Мансийский автономный округ — Югра", "Ханты-Мансийского автономного округа – Югры"),
        ("Мэрия Москвы объявила конкурс.", "Москва", "Москвы"),
        ("Минпромторг Чечни провёл ярмарку.", "Чеченская Республика", "Чечни"),
        ("Шахты Кузбасса наращивают добычу.", "Кемеровская область — Кузбасс", "Кузбасса"),
        ("Заводы Прикамья модернизируют.", "Пермский край", "Прикамья"),
        ("Туристы едут в Приморье.", "Приморский край", "Приморье"),
        ("Фермеры Ставрополья собрали зерно.", "Ставропольский край", "Ставрополья"),
        ("Аэропорт в Красноярье расширят.", "Красноярский край", "Красноярье"),
        ("Лес Смоленщины горел летом.", "Смоленская область", "Смоленщины"),
        ("Предприятия Южного Урала растут.", "Челябинская область", "Южного Урала"),
        ("Школы Республики Коми отремонтируют.", "Республика Коми", "Республики Коми"),
        ("Экспорт из Республики Марий Эл вырос.", "Республика Марий Эл", "Республики Марий Эл"),
        ("Власти РСО-Алании объявили тендер.", "Республика Северная Осетия — Алания", "РСО-Алании"),
        ("Связь в ёлочном городке Тыве наладят.", "Республика Тыва", "Тыве"),
    ],
)
def test_inflected_and_colloquial_forms_in_text(text: str, expected: str, surface: str) -> None:
    mentions = find_regions(text)
    assert [(m.region.name, m.text) for m in mentions] == [(expected, surface)]


def test_moscow_oblast_is_not_moscow_and_vice_versa() -> None:
    text = "Губернатор Московской области и мэр Москвы подписали соглашение; подмосковные власти довольны."
    assert _names(find_regions(text)) == ["Московская область", "Москва"]
    adjectives = find_region_adjectives(text)
    assert [(m.text, m.region.name, m.kind) for m in adjectives] == [
        ("подмосковные", "Московская область", "adjective")
    ]
    assert _names(find_region_adjectives("Московский губернатор")) == ["Москва"]


def test_altai_republic_versus_altai_krai() -> None:
    text = "Туристы едут на Алтай, а зерно везут из Алтайского края и Республики Алтай, с Горного Алтая."
    assert _names(find_regions(text)) == ["Республика Алтай", "Алтайский край", "Республика Алтай",
                                          "Республика Алтай"]
    assert find_region("Алтай").name == "Республика Алтай"
    assert find_region("алтайский").name == "Алтайский край"
    assert find_region("Алтайский край").name == "Алтайский край"


def test_longest_match_wins_and_dash_tails_are_kept() -> None:
    text = "Правительство Кемеровской области — Кузбасса и Республики Саха (Якутия) подписали меморандум."
    mentions = find_regions(text)
    assert [m.text for m in mentions] == ["Кемеровской области — Кузбасса", "Республики Саха (Якутия)"]


def test_coordinated_regions_before_one_plural_noun() -> None:
    text = "Губернаторы Калужской, Тульской и Орловской областей встретились с главами Пермского и Алтайского краёв."
    assert [(m.region.name, m.kind) for m in find_regions(text)] == [
        ("Калужская область", "coordinated"),
        ("Тульская область", "coordinated"),
        ("Орловская область", "coordinated"),
        ("Пермский край", "coordinated"),
        ("Алтайский край", "coordinated"),
    ]


def test_region_adjectives_are_a_weaker_kind() -> None:
    text = ("Тюменский губернатор встретился с пермским губернатором, ростовского губернатора ждали, "
            "а петербургский бизнес и калужские предприятия подписали соглашение с белорусской стороной.")
    found = [(m.text, m.region.name) for m in find_region_adjectives(text)]
    assert found == [
        ("Тюменский", "Тюменская область"),
        ("пермским", "Пермский край"),
        ("ростовского", "Ростовская область"),
        ("петербургский", "Санкт-Петербург"),
        ("калужские", "Калужская область"),
    ]
    assert find_regions(text) == []  # adjectives only when asked for
    assert find_region_adjectives("Российский рынок и российские компании") == []


def test_adjective_inside_a_region_name_is_not_a_separate_mention() -> None:
    assert find_region_adjectives("Губернатор Калужской области приехал.") == []
    assert [m.kind for m in find_regions("Губернатор Калужской области приехал.", adjectives=True)] == ["name"]


def test_single_word_aliases_need_a_capital_letter_and_abbreviations_their_capitals() -> None:
    assert find_regions("народ коми и сахалин в нижнем регистре") == []
    assert find_regions("хмао и янао строчными") == []
    assert _names(find_regions("республики коми")) == ["Республика Коми"]  # multiword names: any case


def test_foreign_units_beat_russian_regions() -> None:
    text = ("Акимат Алматинской области, Минский облисполком, власти Брестской обл. и провинции Хэйлунцзян "
            "подписали соглашения с Калужской областью; делегация Внутренней Монголии тоже приехала.")
    assert _names(find_regions(text, adjectives=True)) == ["Калужская область"]
    units = find_foreign_units(text)
    assert [(u.text, u.country.name) for u in units] == [
        ("Алматинской области", "Казахстан"),
        ("Минский облисполком", "Беларусь"),
        ("Брестской обл.", "Беларусь"),
        ("провинции Хэйлунцзян", "Китай"),
        ("Внутренней Монголии", "Китай"),
    ]
    text_, country, start, end = units[0]
    assert text[start:end] == text_ and country.name == "Казахстан"
    assert [m.country.name for m in find_countries(text)] == []  # "Внутренняя Монголия" is not Монголия


@pytest.mark.parametrize("unit", FOREIGN_UNITS, ids=lambda u: u.name)
def test_every_foreign_unit_is_found_by_its_name(unit: gz.ForeignUnit) -> None:
    found = find_foreign_units(f"Делегация: {unit.name}.")
    assert [(u.text, u.country.name) for u in found] == [(unit.name, unit.country)]
    assert find_regions(f"Делегация: {unit.name}.") == []


# ------------------------------------------------------------------------------- user's queries

@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Калужская", "Калужская область"),
        ("калужская", "Калужская область"),
        ("калужской", "Калужская область"),
        ("Калуга", "Калужская область"),
        ("калуге", "Калужская область"),
        ("Калужская область", "Калужская область"),
        ("Оренбуржье", "Оренбургская область"),
        ("Оренбуржья", "Оренбургская область"),
        ("Нижегородская обл.", "Нижегородская область"),
        ("Нижегородская обл", "Нижегородская область"),
        ("Нижний Новгород", "Нижегородская область"),
        ("сахалин", "Сахалинская область"),
        ("Южно-Сахалинск", "Сахалинская область"),
        ("спб", "Санкт-Петербург"),
        ("Питер", "Санкт-Петербург"),
        ("татарстан", "Республика Татарстан"),
        ("Казань", "Республика Татарстан"),
        ("Подмосковье", "Московская область"),
        ("московская", "Московская область"),
        ("Москва", "Москва"),
        ("г. Москва", "Москва"),
        ("кубань", "Краснодарский край"),
        ("югра", "Ханты-Мансийский автономный округ — Югра"),
        ("хмао", "Ханты-Мансийский автономный округ — Югра"),
        ("якутия", "Республика Саха (Якутия)"),
        ("Чувашия", "Чувашская Республика — Чувашия"),
        ("Кемерово", "Кемеровская область — Кузбасс"),
        ("ДНР", "Донецкая Народная Республика"),
        ("Симферополь", "Республика Крым"),
        ("Владимир", "Владимирская область"),
        ("  Орёл ", "Орловская область"),
        ("орел", "Орловская область"),
    ],
)
def test_find_region_for_user_queries(query: str, expected: str) -> None:
    region = find_region(query)
    assert region is not None, query
    assert region.name == expected


@pytest.mark.parametrize("query", ["", "   ", "Калужска", "абракадабра", "Белоруссия",
                                   "Калужская и Тульская", "Алматинская область"])
def test_find_region_refuses_what_is_not_one_region(query: str) -> None:
    assert find_region(query) is None


def test_capitals_in_text_are_a_separate_kind() -> None:
    text = "В Калуге и Нижнем Новгороде Владимир Иванов открыл офисы, Москва поддержала."
    assert [(m.text, m.region.name, m.kind) for m in find_capitals(text)] == [
        ("Калуге", "Калужская область", "capital"),
        ("Нижнем Новгороде", "Нижегородская область", "capital"),
    ]
    assert _names(find_regions(text)) == ["Москва"]


# ----------------------------------------------------------------------------------- countries

def test_country_table() -> None:
    names = {c.name for c in COUNTRIES}
    for needed in ("Беларусь", "Казахстан", "Китай", "Узбекистан", "Кыргызстан", "Таджикистан", "Армения",
                   "Азербайджан", "Абхазия", "Южная Осетия", "Монголия", "Вьетнам", "Индия", "Иран",
                   "Турция", "ОАЭ", "Египет", "Куба", "Венесуэла", "Сербия", "Германия", "Франция",
                   "Италия", "Япония", "Южная Корея", "КНДР", "Индонезия", "Малайзия", "Таиланд",
                   "Саудовская Аравия", "Катар", "Бахрейн", "Израиль", "Никарагуа", "Бразилия", "ЮАР",
                   "Эфиопия", "Алжир", "Туркмения", "Молдавия", "Финляндия"):
        assert needed in names
    assert len(names) == len(COUNTRIES)
    assert all(c.name in names for c in [gz.country_by_name(u.country) for u in FOREIGN_UNITS])


def test_countries_in_text() -> None:
    text = ("Правительство Республики Беларусь и КНР, а также делегации Белоруссии, Кыргызстана, "
            "Северной Кореи и Республики Корея; казахстанские компании и белорусской стороной.")
    assert [(m.country.name, m.kind) for m in find_countries(text)] == [
        ("Беларусь", "alias"),
        ("Китай", "alias"),
        ("Беларусь", "alias"),
        ("Кыргызстан", "name"),
        ("КНДР", "alias"),
        ("Южная Корея", "alias"),
        ("Казахстан", "adjective"),
        ("Беларусь", "adjective"),
    ]
    assert find_countries("Российские регионы и Татарстан") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Беларусь", "Беларусь"), ("белоруссии", "Беларусь"), ("РБ", "Беларусь"), ("кнр", "Китай"),
     ("китая", "Китай"), ("Казахстан", "Казахстан"), ("Киргизия", "Кыргызстан"), ("туркменистан", "Туркмения"),
     ("Молдова", "Молдавия"), ("белорусский", "Беларусь")],
)
def test_find_country(query: str, expected: str) -> None:
    country = find_country(query)
    assert country is not None and country.name == expected


def test_find_country_none() -> None:
    assert find_country("Калужская область") is None
    assert find_country("") is None


# ------------------------------------------------------------------------------- build once

def test_matchers_are_built_once_and_reused() -> None:
    text = "Губернатор Калужской области и белорусская делегация из Гомельской области."
    find_regions(text)
    index = gz._index()
    forms_before = gz._word_forms.cache_info().currsize
    for _ in range(3):
        find_regions(text + " ", adjectives=True)
        find_countries(text)
        find_foreign_units(text)
        find_region("калужской")
    assert gz._index() is index
    assert gz._word_forms.cache_info().currsize == forms_before
    gz.warm_up()
    assert gz._index() is index


def test_no_region_adjective_form_is_shared_by_two_regions() -> None:
    owners: dict[str, set[str]] = {}
    for pats in gz._index().region_adjectives._first.values():
        for pat in pats:
            for form in pat.slots[0]:
                owners.setdefault(form, set()).add(pat.payload.name)
    shared = {form: names for form, names in owners.items() if len(names) > 1}
    assert shared == {}


def test_moskovskaya_alone_is_the_oblast_for_a_user_and_moscow_as_an_adjective_in_text() -> None:
    assert find_region("Московская").name == "Московская область"
    assert find_region("московской").name == "Московская область"
    assert find_region("московский").name == "Москва"
    assert _names(find_region_adjectives("Сотрудники московской мэрии и калужской администрации")) == [
        "Москва", "Калужская область"]


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: r.iso)
def test_every_name_alias_and_capital_finds_its_own_region(region: Region) -> None:
    for query in (region.name, region.name.lower(), *region.aliases, region.capital):
        found = find_region(query)
        assert found is region, (query, found)


def test_glued_dash_tails() -> None:
    text = "Власти Ханты-Мансийского автономного округа-Югры и Кемеровской области-Кузбасса."
    assert _names(find_regions(text)) == ["Ханты-Мансийский автономный округ — Югра",
                                          "Кемеровская область — Кузбасс"]


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.iso)
def test_every_country_found_by_name_and_aliases(country: gz.Country) -> None:
    for spelling in (country.name, *country.aliases):
        found = find_countries(f"Соглашение подписали: {spelling}.")
        assert [(m.country.name, m.text) for m in found] == [(country.name, spelling)]
        assert find_country(spelling) is country
    for adjective in country.adjectives:
        assert [m.kind for m in find_countries(f"Делегация — {adjective} бизнес.")] == ["adjective"]


def test_coordinated_russian_and_foreign_oblasts() -> None:
    text = "Главы Гомельской и Брянской областей, а также Карагандинской, Омской и Новосибирской областей встретились."
    assert [(m.text, m.kind) for m in find_regions(text)] == [
        ("Брянской", "coordinated"), ("Омской", "coordinated"), ("Новосибирской", "coordinated")]
    assert [(u.text, u.country.name) for u in find_foreign_units(text)] == [
        ("Гомельской", "Беларусь"), ("Карагандинской", "Казахстан")]
    assert find_region_adjectives(text) == []


def test_abbreviations_in_capitals_only() -> None:
    text = "Офисы в СПб, СПБ и спб; ДНР и днр."
    assert [(m.text, m.region.name) for m in find_regions(text)] == [
        ("СПб", "Санкт-Петербург"), ("СПБ", "Санкт-Петербург"), ("ДНР", "Донецкая Народная Республика")]
