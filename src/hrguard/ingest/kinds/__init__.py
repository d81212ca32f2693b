"""The registry of import kinds.

Each module in this package defines one `Importer` subclass decorated with `@register`.
The registry imports every module of the package on first use, so a new kind is one new
module and needs no other change.
"""

import importlib
import pkgutil

from django.utils.translation import gettext as _

from hrguard.core.errors import ValidationFailed
from hrguard.ingest.kinds.base import Importer, TemplateImporter
from hrguard.ingest.models import ImportKind

_REGISTRY: dict[str, type[Importer]] = {}
_loaded = False


def register(importer_class: type[Importer]) -> type[Importer]:
    """Add an importer class to the registry under its `kind`."""
    existing = _REGISTRY.get(importer_class.kind)
    if existing is not None and existing is not importer_class:
        raise RuntimeError(f"import kind {importer_class.kind!r} is registered twice")
    _REGISTRY[importer_class.kind] = importer_class
    return importer_class


def _load_kind_modules() -> None:
    global _loaded
    if _loaded:
        return
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    _loaded = True


def importer_classes() -> dict[str, type[Importer]]:
    """Return every registered importer class by kind, in the order of ImportKind."""
    _load_kind_modules()
    order = {kind: position for position, kind in enumerate(ImportKind.values)}
    return {
        kind: _REGISTRY[kind]
        for kind in sorted(_REGISTRY, key=lambda kind: order.get(kind, len(order)))
    }


def template_importer_classes() -> dict[str, type[TemplateImporter]]:
    """Return the kinds that have a canonical template, by kind."""
    return {
        kind: cls for kind, cls in importer_classes().items() if issubclass(cls, TemplateImporter)
    }


def importer_class_for(kind: str) -> type[Importer]:
    """Return the importer class of `kind`, or raise ValidationFailed naming the known kinds."""
    classes = importer_classes()
    try:
        return classes[kind]
    except KeyError:
        raise ValidationFailed(
            _("未知的导入类型「%(kind)s」。可用的类型：%(known)s。"),
            code="unknown_import_kind",
            kind=kind,
            known="、".join(sorted(classes)),
        ) from None
