"""Typed values of register cells: one parser per template column, built once per import.

Each parser takes a cell as read (text from a CSV; text, a number or a date from XLSX) and returns
the typed value, or raises ValueError whose message is the reason shown to the user. Building the
parsers once keeps the per-cell work to the check itself: a million-row file has 13 million cells.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from probity.forces import FORCE_IDS
from registers.templates import Column, Kind

Parser = Callable[[Any], Any]
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
MAX_AMOUNT = Decimal("999999999999.99")  # the Numeric(14, 2) money columns
CENT = Decimal("0.01")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
MONEY_NOISE = re.compile(r"[£,\s]")
CHOICE_SEPARATORS = re.compile(r"[\s\-/]+")


def cell_parser(column: Column, max_length: int | None = None) -> Parser:
    """The parser for ``column``; ``max_length`` bounds text (the database column's width)."""
    convert = _CONVERTERS[column.kind](column, max_length)
    required = column.required
    empty = {Kind.yes_no: False, Kind.text: ""}.get(column.kind)

    def parse(value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                if required:
                    raise ValueError("required value is empty")
                return empty
        elif value is None:
            if required:
                raise ValueError("required value is empty")
            return empty
        return convert(value)

    return parse


def _text(_: Column, max_length: int | None) -> Parser:
    def convert(value: Any) -> str:
        text = str(value)
        if max_length and len(text) > max_length:
            raise ValueError(f"{len(text):,} characters; at most {max_length} fit")
        return text

    return convert


def _force(_: Column, __: int | None) -> Parser:
    def convert(value: Any) -> str:
        force = str(value).lower()
        if force not in FORCE_IDS:
            raise ValueError(
                f"unknown force {value!r}: use a data.police.uk id such as 'kent' (see `probity forces`)"
            )
        return force

    return convert


def _date(_: Column, __: int | None) -> Parser:
    def convert(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value)
        try:
            if ISO_DATE.match(text):  # the common case, parsed in C
                return dt.date.fromisoformat(text)
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    return dt.datetime.strptime(text, fmt).date()
                except ValueError:
                    pass
        except ValueError:
            pass
        raise ValueError(f"bad date {value!r}: use YYYY-MM-DD or DD/MM/YYYY")

    return convert


def _money(_: Column, __: int | None) -> Parser:
    def convert(value: Any) -> Decimal:
        try:
            amount = Decimal(MONEY_NOISE.sub("", str(value)))
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
        if not amount.is_finite():  # NaN and Infinity parse as Decimals
            raise ValueError(f"not an amount: {value!r}")
        if amount < 0:
            raise ValueError(f"negative value {value!r}: amounts must be 0 or more")
        if amount > MAX_AMOUNT:
            raise ValueError(f"{value!r} is too large: at most {MAX_AMOUNT:,}")
        return amount.quantize(CENT)

    return convert


def _yes_no(_: Column, __: int | None) -> Parser:
    def convert(value: Any) -> bool:
        text = str(value).lower()
        if text in YES or text in NO:
            return text in YES
        raise ValueError(f"expected yes or no, got {value!r}")

    return convert


def _accepted(_: Column, __: int | None) -> Parser:
    def convert(value: Any) -> bool:
        text = str(value).lower()
        if text in ("accepted", "yes", "y"):
            return True
        if text in ("declined", "no", "n"):
            return False
        raise ValueError(f"expected accepted or declined, got {value!r}")

    return convert


def _choice(column: Column, __: int | None) -> Parser:
    assert column.choices is not None
    allowed = [m.value for m in column.choices]
    known = set(allowed)

    def convert(value: Any) -> str:
        token = str(value).lower()
        if token in known:
            return token
        token = CHOICE_SEPARATORS.sub("_", token.strip())
        if token not in known:
            raise ValueError(f"{value!r} is not one of: {', '.join(allowed)}")
        return token

    return convert


_CONVERTERS: dict[Kind, Callable[[Column, int | None], Parser]] = {
    Kind.text: _text,
    Kind.force: _force,
    Kind.date: _date,
    Kind.money: _money,
    Kind.yes_no: _yes_no,
    Kind.accepted: _accepted,
    Kind.choice: _choice,
}
