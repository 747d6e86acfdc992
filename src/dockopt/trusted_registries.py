"""`trusted-registries` (hadolint's `trustedRegistries`): rewrites bring in no image from elsewhere.

hadolint fails a build stage whose image comes from a registry not on the list (DL3026). dockopt
keeps the user's images as they are; what the list limits is the images dockopt's rewrites add
(a distroless runtime, a slim variant). A fix that would add one from another registry is left
out, and the file gets a warning naming the image.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from dockopt.engine import FixResult

DEFAULT_REGISTRY = "docker.io"


def registry_of(image: str) -> str:
    """The registry of an image reference, as Docker reads it (`python:3.12` -> docker.io)."""
    name = image.split("@", 1)[0]
    first, slash, _ = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first.lower()
    return DEFAULT_REGISTRY


def trusted(image: str, registries: tuple[str, ...]) -> bool:
    registry = registry_of(image)
    aliases = {registry, "index.docker.io", "registry-1.docker.io"} if registry == DEFAULT_REGISTRY else {registry}
    return any(item.strip().lower().rstrip("/") in aliases for item in registries)


def _bases(text: str) -> set[str]:
    from dockopt.document import Document

    stages = Document(text).stages
    names = {stage.name for stage in stages if stage.name}
    return {s.base for s in stages if "$" not in s.base and s.base.lower() not in names and s.base.lower() != "scratch"}


def untrusted_additions(before: str, after: str, registries: tuple[str, ...]) -> list[str]:
    """Images the rewrite starts a stage from that the original did not use, from other registries."""
    return sorted(image for image in _bases(after) - _bases(before) if not trusted(image, registries))


def keep_to_trusted(
    source: bytes, result: FixResult, rerun: Callable[[list[str]], FixResult], registries: tuple[str, ...]
) -> tuple[FixResult, list[tuple[int, str]]]:
    """The engine's result, or a rerun without the fixes that brought in untrusted images.

    Returns (result, warnings as (line, message))."""
    warnings: list[tuple[int, str]] = []
    left_out: list[str] = []
    for _ in range(3):  # a rule left out may let another one add an image: look again, a few times
        if not result.changed or result.error:
            break
        before = source.decode("utf-8-sig")
        after = result.output.decode("utf-8-sig") if isinstance(result.output, bytes) else result.output
        images = untrusted_additions(before, after, registries)
        if not images:
            break
        culprits = [item for item in result.applied if any(image in edit.text for image in images for edit in item.edits)]
        codes = sorted({item.code for item in culprits} - set(left_out))
        if not codes:
            warnings.append((1, f"the rewrite starts a stage from `{images[0]}`, whose registry is not in trusted-registries"))
            break
        for item in culprits:
            if item.code in codes:
                image = next(image for image in images if any(image in edit.text for edit in item.edits))
                warnings.append((item.line, (f"{item.code} not applied: it would start a stage from `{image}`, "
                                             f"whose registry is not in trusted-registries")))
        left_out.extend(codes)
        result = rerun(left_out)
    return result, warnings
