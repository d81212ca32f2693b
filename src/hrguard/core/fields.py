"""Model fields that keep personal data encrypted at rest, and phone-number normalisation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from hrguard.core import crypto

# Blind-index purpose shared by every phone column, so a caller's number typed
# into a harassment intake matches an employee's phone across tables.
PHONE_INDEX_PURPOSE = "phone"

_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―()（）.·/]")
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_cn_mobile(value: str) -> str | None:
    """Return the 11-digit mainland mobile number in `value`, or None if it is not one.

    Accepts full-width digits, spaces, dashes, brackets and a +86, 0086 or 86
    country prefix: "+86 138-0013-8000" and "0086 13800138000" give "13800138000".
    """
    text = unicodedata.normalize("NFKC", value)
    text = _PHONE_SEPARATORS.sub("", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif len(text) == 13 and text.startswith("86"):
        text = text[2:]
    return text if _CN_MOBILE.match(text) else None


def normalise_phone(value: str) -> str:
    """Return the form of a phone number that its blind index is computed from.

    A mainland mobile number becomes its 11 digits; any other number (a
    landline, a foreign number) keeps only its digits and a leading "+".
    """
    mobile = normalise_cn_mobile(value)
    if mobile is not None:
        return mobile
    text = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    digits = "".join(character for character in text if character.isdigit())
    return "+" + digits if text.startswith("+") and digits else digits


def phone_blind_index(value: str) -> str:
    """Return the blind index to look a phone number up by, e.g. in `phone_index`.

    Raises ValueError when `value` contains no digits, because an empty index
    would match every row without a phone number.
    """
    normalised = normalise_phone(value)
    if not normalised.lstrip("+"):
        raise ValueError("a phone number needs at least one digit")
    return crypto.blind_index(normalised, purpose=PHONE_INDEX_PURPOSE)


class _EncryptedValueDescriptor(DeferredAttribute):
    """Stores the plaintext on the instance and keeps the blind-index attribute in step."""

    field: EncryptedTextField

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value
        if self.field.index_field is not None:
            instance.__dict__[self.field.index_field] = self.field.index_for(value)


class EncryptedTextField(models.TextField):
    """Text stored as an AES-GCM text token and decrypted transparently on load.

    `purpose` is bound to every token, so give each column its own stable
    string ("people.employee.phone"); changing it later makes old values
    unreadable. With `index_field` (and `index_function`), assigning the
    attribute also sets that sibling field to the value's blind index, so
    `Model.objects.filter(<index_field>=...)` finds rows by value.

    Only `isnull` lookups are allowed, because a token differs on every save.
    Empty strings and None are stored as they are, without encryption.
    `save(update_fields=...)` and `bulk_update()` must list the index field
    beside this one. `QuerySet.update()` encrypts but cannot refresh the blind
    index: assign the attribute and save instead.
    """

    descriptor_class = _EncryptedValueDescriptor

    def __init__(
        self,
        *args: Any,
        purpose: str,
        index_field: str | None = None,
        index_function: Callable[[str], str] | None = None,
        **kwargs: Any,
    ) -> None:
        if not purpose:
            raise ValueError("EncryptedTextField needs a purpose")
        if (index_field is None) != (index_function is None):
            raise ValueError("index_field and index_function go together")
        self.purpose = purpose
        self.index_field = index_field
        self.index_function = index_function
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        # The index options change no column, so migrations record only the purpose.
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def index_for(self, value: str | None) -> str:
        """Return the blind index stored beside `value`; "" when there is no value."""
        if not value or self.index_function is None:
            return ""
        try:
            return self.index_function(value)
        except ValueError:
            return ""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        # Model.__init__ sets the index field's default after this field's value,
        # so recompute here. The index field is declared later (see check()), so
        # save() and bulk_create() read it after this runs.
        if self.index_field is not None:
            setattr(model_instance, self.index_field, self.index_for(value))
        return value

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.index_field is None:
            return errors
        try:
            index = self.model._meta.get_field(self.index_field)
        except FieldDoesNotExist:
            index = None
        if not isinstance(index, models.Field) or index.creation_counter < self.creation_counter:
            errors.append(
                checks.Error(
                    f"index_field {self.index_field!r} must be a field declared after {self.name!r}.",
                    obj=self,
                    id="hrguard.E001",
                )
            )
        return errors

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return crypto.decrypt_text(value, purpose=self.purpose)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt_text(value, purpose=self.purpose)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None
