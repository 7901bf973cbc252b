"""Believable fictional values (companies, people, phones, USCCs, addresses) from one seeded RNG.

Every value passes the same validators the API applies to client input, so seeded rows never
look like something a mutation would have refused.
"""

from __future__ import annotations

from random import Random
from typing import NamedTuple, TypeVar

from domain.validation import USCC_CHARSET, uscc_check_digit
from persistence.seed import vocab
from persistence.seed.vocab import City, Industry, OverseasCity

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
T = TypeVar("T")


class Company(NamedTuple):
    """A company name together with the ASCII slug its e-mail domain is made from."""

    name: str
    slug: str


class Person(NamedTuple):
    """A display name and the ASCII local part of that person's e-mail address."""

    name: str
    local: str


def org_code(body: str) -> str:
    """GB 11714 organisation code (8 digits + check) that sits inside a real USCC."""
    total = sum(int(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


class Fake:
    """Draws values from `rng`; remembers names and tax ids it has issued so both stay unique."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self._names: set[str] = set()
        self._tax_ids: set[str] = set()

    def pick(self, items: tuple[T, ...]) -> T:
        return items[int(self.rng.random() * len(items))]

    def _brand(self) -> tuple[str, str]:
        a = self.pick(vocab.BRAND_SYLLABLES)
        b = self.pick(vocab.BRAND_SYLLABLES)
        while b[0] == a[0]:
            b = self.pick(vocab.BRAND_SYLLABLES)
        return a[0] + b[0], a[1] + b[1]

    def _company_once(self, industry: Industry, city: City | OverseasCity) -> Company:
        brand_zh, brand_py = self._brand()
        if isinstance(city, OverseasCity):
            word = self.pick(industry.words_en)
            return Company(f"{brand_py.capitalize()} {word} {city.suffix}", brand_py)
        if self.rng.random() < 0.3:
            word = self.pick(industry.words_en)
            place = f"{city.pinyin} " if self.rng.random() < 0.5 else ""
            suffix = self.pick(vocab.SUFFIX_EN)
            return Company(f"{place}{brand_py.capitalize()} {word} {suffix}", brand_py)
        place = city.zh if self.rng.random() < 0.5 else ""
        word = self.pick(industry.words_zh)
        return Company(f"{place}{brand_zh}{word}{self.pick(vocab.SUFFIX_ZH)}", brand_py)

    def company(self, industry: Industry, city: City | OverseasCity) -> Company:
        """A company name no other seeded company has (customers and leads share the pool)."""
        for _ in range(20):
            company = self._company_once(industry, city)
            if company.name not in self._names:
                self._names.add(company.name)
                return company
        serial = len(self._names)
        company = Company(f"{company.name} ({serial})", company.slug)
        self._names.add(company.name)
        return company

    def domain(self, slug: str) -> str:
        return slug + self.pick(vocab.EMAIL_TLDS)

    def person(self, *, foreign: bool = False) -> Person:
        """A Chinese name most of the time, an English one for the bilingual minority."""
        surname_zh, surname_py = self.pick(vocab.SURNAMES)
        if foreign:
            first = self.pick(vocab.ENGLISH_GIVEN)
            last = self.pick(vocab.FOREIGN_SURNAMES)
            return Person(f"{first} {last}", f"{first.lower()}.{last.lower()}")
        if self.rng.random() < 0.12:
            first = self.pick(vocab.ENGLISH_GIVEN)
            return Person(f"{first} {surname_py.capitalize()}", f"{first.lower()}.{surname_py}")
        given_zh, given_py = self.pick(vocab.GIVEN_CHARS)
        if self.rng.random() < 0.6:
            second = self.pick(vocab.GIVEN_CHARS)
            given_zh, given_py = given_zh + second[0], given_py + second[1]
        return Person(surname_zh + given_zh, f"{given_py}.{surname_py}")

    def email(self, local: str, domain: str) -> str:
        if self.rng.random() < 0.3:
            return f"{local}{int(self.rng.random() * 90) + 10}@{domain}"
        return f"{local}@{domain}"

    def mobile(self) -> str:
        return self.pick(vocab.MOBILE_PREFIXES) + str(int(self.rng.random() * 1e8)).zfill(8)

    def landline(self, city: City) -> str:
        digits = 8 if len(city.area_code) == 3 else 7 + int(self.rng.random() * 2)
        first = str(2 + int(self.rng.random() * 7))
        rest = str(int(self.rng.random() * 10 ** (digits - 1))).zfill(digits - 1)
        return f"{city.area_code}-{first}{rest}"

    def international(self, city: OverseasCity) -> str:
        return city.dial + str(int(self.rng.random() * 10**city.digits)).zfill(city.digits)

    def phone(self, city: City | OverseasCity, *, mobile_share: float) -> str:
        if isinstance(city, OverseasCity):
            return self.international(city)
        return self.mobile() if self.rng.random() < mobile_share else self.landline(city)

    def uscc(self, city: City) -> str:
        """A Unified Social Credit Code registered in `city`, valid per GB 32100-2015."""
        while True:
            body = str(int(self.rng.random() * 1e8)).zfill(8)
            first17 = "91" + city.division + org_code(body)
            code = first17 + uscc_check_digit(first17)
            if code not in self._tax_ids and all(c in USCC_CHARSET for c in code):
                self._tax_ids.add(code)
                return code

    def address(self, city: City | OverseasCity) -> str:
        number = 1 + int(self.rng.random() * 999)
        if isinstance(city, OverseasCity):
            return f"{number} {self.pick(vocab.STREETS_EN)}, {city.name}, {city.country}"
        return f"{city.prefix}{self.pick(city.districts)}{self.pick(vocab.ROADS)}{number}号"
