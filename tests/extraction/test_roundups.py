"""Roundups, first-person posts, foreign regions and other multi-agreement articles, on texts of our own.

Each text is extracted once per session (natasha runs for real, models load once per process).
"""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from extraction import Agreement, extract
from extraction.models import Amount, PartialDate

PUBLISHED = date(2024, 5, 10)  # a Friday

TEXTS: dict[str, str] = {
    "ordinal_roundup": (
        "Тульская область подписала три соглашения на инвестиционном форуме\n\n"
        "Губернатор Тульской области Дмитрий Миляев в четверг подписал на Российском инвестиционном форуме "
        "соглашения сразу с тремя компаниями.\n\n"
        "Первое — с ПАО «Северсталь». С его стороны документ подписал генеральный директор Александр Шевелев. "
        "Компания вложит в строительство нового цеха в Алексине 4 млрд рублей.\n\n"
        "Второе соглашение губернатор заключил с ООО «Озон». Подпись под документом поставил директор по "
        "развитию Игорь Петров. Стороны построят логистический центр.\n\n"
        "Третий документ — с АО «Почта России» — подписал заместитель гендиректора Сергей Малышев. "
        "Объём инвестиций составит 700 млн рублей.\n\n"
        "«Мы довольны итогами форума», — заявил министр экономического развития региона Григорий Левин.\n\n"
        "Всего на форуме подписано соглашений на 500 млрд рублей."
    ),
    "title_then_passages": (
        "Приморье подписало на ВЭФ соглашения с ДОМ.РФ, ВЭБ.РФ и Совкомбанком\n\n"
        "Губернатор Приморского края Олег Кожемяко 4 сентября на полях Восточного экономического форума "
        "подписал соглашения с тремя институтами развития.\n\n"
        "С ДОМ.РФ подписано соглашение о строительстве жилья. Подпись со стороны ДОМ.РФ поставил "
        "заместитель генерального директора Андрей Суханов.\n\n"
        "Соглашение с госкорпорацией ВЭБ.РФ о реконструкции набережной подписано первым заместителем "
        "председателя Данилом Алгульяном. Объём финансирования по соглашению — 12 млрд рублей.\n\n"
        "Третий документ — с ПАО «Совкомбанк». Его подписал первый вице-президент банка Михаил Кузьмин."
    ),
    "numbered_post": (
        "Переслано из: Глеб Никитин | Нижегородская область\n\n"
        "Подписал сегодня сразу два соглашения о развитии связи в области.\n\n"
        "1️⃣ С «Ростелекомом» — документ подписали с директором Нижегородского филиала компании "
        "Андреем Соколовым. Оператор проведёт оптику в 120 сёл.\n\n"
        "2️⃣ С Yandex — подписали с директором по работе с регионами Павлом Орловым. "
        "Школы перейдут на новые сервисы."
    ),
    "first_person_channel": (
        "Канал «Губернатор Прикамья Дмитрий Махонин»\n\n"
        "Подписал сегодня соглашение с компанией «Лукойл» о строительстве нового производства в Перми. "
        "Инвестиции составят 12 млрд рублей."
    ),
    "two_regions": (
        "Губернаторы Калужской и Тульской областей подписали соглашение о сотрудничестве\n\n"
        "Губернатор Калужской области Владислав Шапша и губернатор Тульской области Дмитрий Миляев "
        "подписали соглашение о торгово-экономическом сотрудничестве. Церемония прошла в Калуге.\n\n"
        "Также в присутствии губернаторов было подписано соглашение между министерством культуры "
        "Калужской области и министерством культуры Тульской области. Оно предусматривает обмен выставками."
    ),
    "foreign_executive": (
        "Сегодня губернатор Псковской области Михаил Ведерников и председатель Витебского областного "
        "исполнительного комитета Александр Субботин подписывают программу сотрудничества между Псковской "
        "областью Российской Федерации и Витебской областью Республики Беларусь на 2024–2026 годы."
    ),
    "foreign_names": (
        "Губернатор Амурской области Василий Орлов и губернатор провинции Хэйлунцзян Ван Вэньтао подписали "
        "меморандум о торговом сотрудничестве. С монгольской стороны документ подписал министр "
        "Цэнддоржийн Батбаяр."
    ),
    "speaker_and_witness": (
        "Соглашение о сотрудничестве, которое подписали губернатор Курской области Роман Старовойт и "
        "генеральный директор госкорпорации «Росатом» Алексей Лихачёв в присутствии вице-премьера Александра "
        "Новака, предусматривает строительство энергоблоков, рассказал журналистам вице-губернатор "
        "Алексей Смирнов."
    ),
    "list_with_sums": (
        "Губернатор Пензенской области Олег Мельниченко подписал на форуме несколько соглашений:\n"
        "— с ПАО «Сбербанк» о развитии цифровых сервисов;\n"
        "— с компанией «Русагро» о строительстве свинокомплекса стоимостью 9 млрд рублей;\n"
        "— с АО «Транснефть» о благотворительной помощи."
    ),
    "head_again": (
        "Губернатор Вологодской области Георгий Филимонов подписал соглашение с ПАО «Северсталь» о "
        "строительстве нового стана. Со стороны компании документ подписал генеральный директор "
        "Александр Шевелев. Инвестиции составят 40 млрд рублей.\n\n"
        "Также глава региона заключил соглашение с компанией «Фосагро» о модернизации завода в Череповце. "
        "Его подписал генеральный директор «Фосагро» Михаил Рыбников. Объем вложений — 15 млрд рублей."
    ),
    "tenge": (
        "Губернатор Омской области Виталий Хоценко и аким Костанайской области Кумар Аксакалов подписали "
        "план совместных мероприятий. По условиям документа стороны профинансируют проекты в приграничье "
        "на сумму 300 млн тенге."
    ),
    "tally_lead": (
        "На выставке губернатор Рязанской области Павел Малков подписал ряд соглашений с инвесторами.\n\n"
        "С компанией «Кнауф Гипс» подписано соглашение о расширении производства. Инвестиции составят "
        "3 млрд рублей. Со стороны компании документ подписал генеральный директор Андрей Сидоров.\n\n"
        "На стенде региона подписано соглашений на сумму 45 млрд рублей."
    ),
    "tally_only": (
        "В этом году Рязанская область подписала 15 соглашений с инвесторами на 45 млрд рублей. "
        "Губернатор Павел Малков рассказал об итогах года."
    ),
    "inflected_title": (
        "Итоги форума: Кузбасс подписал соглашения с «Автодором», «Россетями» и Газпромбанком\n\n"
        "Губернатор Кемеровской области — Кузбасса Илья Середюк 14 июня на форуме подписал соглашения с "
        "тремя компаниями.\n\n"
        "Соглашение с госкомпанией «Автодор» подписал председатель правления Вячеслав Петушенко. Документ "
        "предусматривает строительство обхода Кемерова стоимостью 20 млрд рублей.\n\n"
        "С ПАО «Россети» соглашение подписал генеральный директор Андрей Рюмин.\n\n"
        "Соглашение с Газпромбанком подписал первый вице-президент банка Иван Кузнецов."
    ),
    "quoted_we": (
        "«Сегодня мы подписали соглашение с компанией «Волгатранс» о строительстве логистического центра», "
        "— рассказал губернатор Ивановской области Станислав Воскресенский."
    ),
    "signature_post": (
        "Подписали сегодня с «Ростехом» соглашение о создании в регионе центра беспилотных авиасистем. "
        "Инвестиции составят 3 млрд рублей.\n\nРаботаем дальше!\n\nГубернатор Курганской области Вадим Шумков"
    ),
    "regions_plural": (
        "Губернаторы Липецкой и Воронежской областей Игорь Артамонов и Александр Гусев подписали "
        "соглашения о сотрудничестве в сфере туризма и культуры."
    ),
    "regions_then_company": (
        "Калужская и Тульская области подписали соглашения о сотрудничестве. Губернаторы Владислав Шапша и "
        "Дмитрий Миляев подписали соглашения о туризме и культуре. Также подписано соглашение между "
        "правительством Калужской области и ПАО «Ростелеком» о развитии связи."
    ),
    "chinese_official": (
        "Заместитель мэра Москвы Наталья Сергунина и вице-губернатор провинции Цзянсу Ма Синьжуй подписали "
        "меморандум о сотрудничестве в сфере туризма."
    ),
    "one_sentence_list": (
        "В рамках форума подписаны соглашения: с ПАО «Апатит» — о строительстве нового производства "
        "стоимостью 30 млрд рублей, с ВЭБ.РФ — о развитии Великого Новгорода. Документы подписали губернатор "
        "Новгородской области Александр Дронов, председатель совета директоров «Апатита» Михаил Рыбников "
        "и председатель ВЭБ.РФ Игорь Шувалов."
    ),
    "vice_governors": (
        "На инвестиционном форуме Краснодарский край подписал два соглашения. Первое — с ООО «Кубань-Агро» "
        "о строительстве тепличного комплекса; документ подписал вице-губернатор Александр Руппель. Второе — "
        "с АО «Тандер» о строительстве склада; его подписал вице-губернатор Андрей Коробка. Общий объём "
        "инвестиций по двум соглашениям — 12 млрд рублей."
    ),
    "head_and_director": (
        "Глава Республики Калмыкия Бату Хасиков подписал соглашение с ПАО «Россети» о развитии сетей.\n\n"
        "Кроме того, республика подписала меморандум с компанией «Энел Россия» о строительстве ветропарка. "
        "Меморандум подписали глава республики и генеральный директор компании Стефано Конти."
    ),
    "event_named_like_a_country": (
        "Тамбовская область заключила три соглашения на форуме «Россия»\n"
        "Губернатор Тамбовской области Евгений Первышев на выставке-форуме «Россия» подписал три соглашения.\n"
        "Первое соглашение — с Фондом развития промышленности. Со стороны фонда его подписал директор "
        "Роман Петруценко.\n"
        "Второе соглашение заключено с АНО «Агентство стратегических инициатив», документ подписала "
        "генеральный директор Светлана Чупшева.\n"
        "Читайте также:\nСбербанк и ВТБ подписали соглашения с Курской областью"
    ),
    "habit": (
        "Регионы ежегодно подписывают соглашения с крупными компаниями. Губернатор Ивановской области "
        "Станислав Воскресенский рассказал о планах на год."
    ),
}


@cache
def run(key: str) -> tuple[Agreement, ...]:
    return tuple(extract(TEXTS[key], PUBLISHED))


def by_partner(key: str) -> dict[str, Agreement]:
    return {a.partners[0].name: a for a in run(key) if a.partners}


def names(a: Agreement) -> set[str]:
    return {s.name for s in a.signatories}


def test_ordinal_roundup_gives_one_agreement_per_company_with_its_own_signer_and_sum() -> None:
    found = by_partner("ordinal_roundup")
    assert set(found) == {"Северсталь", "Озон", "Почта России"}
    assert len(run("ordinal_roundup")) == 3  # the lead is no agreement of its own
    assert names(found["Северсталь"]) == {"Дмитрий Миляев", "Александр Шевелев"}
    assert names(found["Озон"]) == {"Дмитрий Миляев", "Игорь Петров"}
    assert names(found["Почта России"]) == {"Дмитрий Миляев", "Сергей Малышев"}
    assert found["Северсталь"].amount == Amount(4e9, "RUB")
    assert found["Озон"].amount is None
    assert found["Почта России"].amount == Amount(7e8, "RUB")  # not the forum's 500 bn total
    assert all(a.regions == ["Тульская область"] for a in found.values())
    assert all(a.date == PartialDate(2024, 5, 9) for a in found.values())  # "в четверг" of the lead


def test_title_list_merges_with_one_passage_per_partner() -> None:
    found = by_partner("title_then_passages")
    assert len(run("title_then_passages")) == 3
    assert set(found) >= {"ДОМ.РФ", "ВЭБ.РФ"}
    sovcom = next(a for n, a in found.items() if "Совкомбанк" in n)
    assert names(found["ДОМ.РФ"]) == {"Олег Кожемяко", "Андрей Суханов"}
    assert names(found["ВЭБ.РФ"]) == {"Олег Кожемяко", "Данил Алгульян"}
    assert names(sovcom) == {"Олег Кожемяко", "Михаил Кузьмин"}
    assert found["ВЭБ.РФ"].amount == Amount(1.2e10, "RUB")
    assert found["ДОМ.РФ"].amount is None and sovcom.amount is None
    # the lead's date, not the publication date (September before a May publication: last year)
    assert all(a.date == PartialDate(2023, 9, 4) for a in found.values())


def test_numbered_first_person_post_signed_by_its_author_and_branch_is_its_company() -> None:
    found = by_partner("numbered_post")
    assert set(found) == {"Ростелеком", "Yandex"}
    assert names(found["Ростелеком"]) == {"Глеб Никитин", "Андрей Соколов"}
    assert names(found["Yandex"]) == {"Глеб Никитин", "Павел Орлов"}
    assert all(a.regions == ["Нижегородская область"] for a in found.values())


def test_first_person_with_the_author_in_the_channel_title() -> None:
    (a,) = run("first_person_channel")
    assert [(s.name, s.role) for s in a.signatories] == [("Дмитрий Махонин", "губернатор Прикамья")]
    assert a.regions == ["Пермский край"] and a.amount == Amount(1.2e10, "RUB")


def test_two_russian_regions_and_a_second_agreement_between_their_ministries() -> None:
    first, second = run("two_regions")
    assert first.regions == second.regions == ["Калужская область", "Тульская область"]
    assert first.partners == second.partners == []
    assert names(first) == {"Владислав Шапша", "Дмитрий Миляев"}
    assert names(second) == set()  # the governors only watched


def test_foreign_regional_executive_is_its_region_and_present_tense_today_counts() -> None:
    (a,) = run("foreign_executive")
    assert a.doc_type == "другое"
    assert [p.name for p in a.partners] == ["Витебская область"]
    assert a.countries == ["Беларусь"]
    assert names(a) == {"Михаил Ведерников", "Александр Субботин"}


def test_foreign_names_are_not_declined() -> None:
    found = run("foreign_names")
    assert {"Ван Вэньтао", "Цэнддоржийн Батбаяр"} <= set().union(*(names(a) for a in found))


def test_speaker_and_witness_are_not_signers() -> None:
    (a,) = run("speaker_and_witness")
    assert names(a) == {"Роман Старовойт", "Алексей Лихачёв"}


def test_list_sum_belongs_to_the_company_it_follows() -> None:
    found = by_partner("list_with_sums")
    assert set(found) == {"Сбербанк", "Русагро", "Транснефть"}
    assert found["Русагро"].amount == Amount(9e9, "RUB")
    assert found["Сбербанк"].amount is None and found["Транснефть"].amount is None
    assert found["Сбербанк"].event == "форум"


def test_head_named_by_title_only_signs_the_second_agreement_too() -> None:
    found = by_partner("head_again")
    assert names(found["Фосагро"]) == {"Георгий Филимонов", "Михаил Рыбников"}
    assert found["Фосагро"].amount == Amount(1.5e10, "RUB")
    assert found["Северсталь"].amount == Amount(4e10, "RUB")


def test_sum_in_tenge_named_by_the_document_after_the_signing() -> None:
    (a,) = run("tenge")
    assert a.amount == Amount(3e8, "KZT")
    assert [p.name for p in a.partners] == ["Костанайская область"]


def test_a_counted_lead_lends_its_signer_to_the_one_agreement_reported() -> None:
    (a,) = run("tally_lead")
    assert [p.name for p in a.partners] == ["Кнауф Гипс"]
    assert names(a) == {"Павел Малков", "Андрей Сидоров"}
    assert a.amount == Amount(3e9, "RUB")


@pytest.mark.parametrize("key", ["habit", "tally_only"])
def test_habitual_present_is_no_signing(key: str) -> None:
    assert run(key) == ()


def test_names_declined_in_the_title_merge_with_their_passages() -> None:
    found = by_partner("inflected_title")
    assert set(found) == {"Автодор", "Россети", "Газпромбанк"}
    assert names(found["Автодор"]) == {"Илья Середюк", "Вячеслав Петушенко"}
    assert names(found["Россети"]) == {"Илья Середюк", "Андрей Рюмин"}
    assert found["Автодор"].amount == Amount(2e10, "RUB") and found["Россети"].amount is None
    head = next(s for s in found["Газпромбанк"].signatories if s.name == "Илья Середюк")
    assert head.role == "губернатор Кемеровской области — Кузбасса"  # a dashed region name stays whole


def test_speaker_of_a_quoted_we_signed_is_the_signer() -> None:
    (a,) = run("quoted_we")
    assert names(a) == {"Станислав Воскресенский"}


def test_first_person_post_signed_at_the_end() -> None:
    (a,) = run("signature_post")
    assert [(s.name, s.role) for s in a.signatories] == [("Вадим Шумков", "губернатор Курганской области")]
    assert [p.name for p in a.partners] == ["Ростех"]  # not a person's name declined
    assert a.regions == ["Курганская область"]


def test_two_regions_signing_several_documents_together_stay_one_party_pair() -> None:
    (a,) = run("regions_plural")
    assert a.regions == ["Липецкая область", "Воронежская область"] and a.partners == []
    assert names(a) == {"Игорь Артамонов", "Александр Гусев"}


def test_a_region_pair_is_no_lead_for_a_later_company_agreement() -> None:
    pair, company = run("regions_then_company")
    assert pair.regions == ["Калужская область", "Тульская область"] and pair.partners == []
    assert company.regions == ["Калужская область"] and [p.name for p in company.partners] == ["Ростелеком"]


def test_foreign_official_the_ner_took_for_a_place_is_a_signer() -> None:
    (a,) = run("chinese_official")
    assert [(s.name, s.role) for s in a.signatories] == [
        ("Наталья Сергунина", "заместитель мэра Москвы"), ("Ма Синьжуй", "вице-губернатор провинции Цзянсу")]
    assert a.countries == ["Китай"] and a.regions == ["Москва"]


def test_one_sentence_list_gives_each_company_its_sum_and_its_signer() -> None:
    found = by_partner("one_sentence_list")
    assert set(found) == {"Апатит", "ВЭБ.РФ"}
    assert names(found["Апатит"]) == {"Александр Дронов", "Михаил Рыбников"}
    assert names(found["ВЭБ.РФ"]) == {"Александр Дронов", "Игорь Шувалов"}
    shuvalov = next(s for s in found["ВЭБ.РФ"].signatories if s.name == "Игорь Шувалов")
    assert shuvalov.role == "председатель ВЭБ.РФ"  # the dot inside the name does not end the role
    assert found["Апатит"].amount == Amount(3e10, "RUB") and found["ВЭБ.РФ"].amount is None


def test_total_of_several_documents_is_no_agreements_sum() -> None:
    found = by_partner("vice_governors")
    assert names(found["Кубань-Агро"]) == {"Александр Руппель"}
    assert names(found["Тандер"]) == {"Андрей Коробка"}
    assert all(a.amount is None for a in found.values())


def test_head_by_title_next_to_another_signer() -> None:
    found = by_partner("head_and_director")
    konti = [(s.name, s.role) for s in found["Энел Россия"].signatories]
    assert konti == [("Бату Хасиков", "глава Республики Калмыкия"), ("Стефано Конти", "генеральный директор компании")]
    assert found["Энел Россия"].doc_type == "меморандум"


def test_quoted_event_name_is_no_partner_and_related_links_no_agreements() -> None:
    found = run("event_named_like_a_country")
    assert len(found) == 2
    assert all(a.regions == ["Тамбовская область"] for a in found)
    assert all("Евгений Первышев" in names(a) for a in found)
    assert not any(p.name == "Россия" for a in found for p in a.partners)
