"""Model files in skops' format: a zip of JSON and NumPy arrays that is read without running
code from the file (no pickle).

Why skops rather than joblib with a trust list: a joblib file is a pickle, so loading one
runs whatever the file says, and a hash on a card beside it only proves the two match.
skops rebuilds only types it is told to trust (scikit-learn's estimators, NumPy, SciPy and
the one class of ours, :class:`~stance.features.CueLexicon`); any other type in a file is
refused before anything is built. Nothing for the user to review or keep in step.

Two things are done on top of ``skops.io``:

- Vocabularies (``vocabulary_``, a dict of up to hundreds of thousands of terms) are stored
  as one array of terms in index order instead of one JSON object per term, which keeps
  the file small and quick to read.
- The archive is rewritten canonically (object ids numbered in order, fixed timestamps),
  because skops names members after memory addresses and stamps them with the clock: the
  same fitted model must give the same file, byte for byte.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Iterator

import numpy as np

# The types of ours a model holds; everything else must be on skops' own trusted list.
TRUSTED_TYPES = ("stance.features.CueLexicon", "stance.markers.Preprocessor", "stance.markers.Attribution",
                 "stance.classifier.StanceClassifier", "stance.vectorize.FastTfidfVectorizer",
                 # scikit-learn's own calibration internals (model.calibration), absent from skops' list
                 "sklearn.calibration._CalibratedClassifier", "sklearn.calibration._SigmoidCalibration",
                 "sklearn.isotonic.IsotonicRegression")
# A model archive larger than this once unpacked is refused before reading (a zip bomb).
MAX_UNPACKED_BYTES = 2 << 30
FORMAT = 1
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_MEMBER = re.compile(r"[0-9]+\.(npy|npz)|[0-9a-f-]{36}\.bin|schema\.json")


class ModelFileError(Exception):
    """The file is not a model this version of stance can read safely; the message says why."""


def _vectorizers(pipeline: object) -> Iterator[tuple[str, object]]:
    """(name, fitted vectorizer) for each part of the pipeline's feature union holding a vocabulary."""
    for step_name, step in getattr(pipeline, "steps", []):
        for part_name, part in getattr(step, "transformer_list", []):
            if isinstance(getattr(part, "vocabulary_", None), dict):
                yield f"{step_name}/{part_name}", part


def _canonical_ids(schema: object, ids: dict[int, int], files: dict[str, str]) -> object:
    """The schema with every object id and member file name renumbered in order of appearance."""
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "__id__" and isinstance(value, int):
                out[key] = ids.setdefault(value, len(ids) + 1)
            elif key == "file" and isinstance(value, str):
                out[key] = files.setdefault(value, f"{len(files) + 1}{Path(value).suffix}")
            else:
                out[key] = _canonical_ids(value, ids, files)
        return out
    if isinstance(schema, list):
        return [_canonical_ids(value, ids, files) for value in schema]
    return schema


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def _rezip(data: bytes, renamed: dict[str, str] | None = None, schema: bytes | None = None) -> bytes:
    """``data``'s members in canonical form: renamed, fixed time, deflated, in name order;
    nested ``.npz`` archives (sparse matrices) are made canonical too."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        members = []
        for info in source.infolist():
            name = (renamed or {}).get(info.filename, info.filename)
            content = schema if (schema is not None and info.filename == "schema.json") else source.read(info)
            if name.endswith(".npz"):
                content = _rezip(content)
            members.append((name, content))
        for name, content in sorted(members, key=lambda m: (m[0] != "schema.json", m[0])):
            target.writestr(_member(name), content, compresslevel=6)
    return out.getvalue()


def dumps(pipeline: object) -> bytes:
    """The fitted pipeline as canonical skops bytes (same model, same bytes)."""
    import skops.io

    packed = {}
    try:
        for name, vectorizer in _vectorizers(pipeline):
            packed[name] = (vectorizer, vectorizer.vocabulary_)
            del vectorizer.vocabulary_
        vocabularies = {name: np.array(terms_of(vocabulary), dtype=str) for name, (_, vocabulary) in packed.items()}
        raw = skops.io.dumps({"format": FORMAT, "pipeline": pipeline, "vocabularies": vocabularies})
    finally:
        for vectorizer, vocabulary in packed.values():
            vectorizer.vocabulary_ = vocabulary
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        schema = json.loads(archive.read("schema.json"))
    files: dict[str, str] = {}
    canonical = _canonical_ids(schema, {}, files)
    return _rezip(raw, files, json.dumps(canonical, indent=1, sort_keys=False).encode("utf-8"))


def terms_of(vocabulary: dict) -> list[str]:
    """A vocabulary's terms in index order (a vocabulary maps each term to a distinct index 0..n-1)."""
    terms = [""] * len(vocabulary)
    for term, index in vocabulary.items():
        terms[int(index)] = term
    return terms


def _check_archive(path: io.BytesIO) -> None:
    """Refuse what is not a skops archive of ours before skops parses it."""
    if not zipfile.is_zipfile(path):
        raise ModelFileError("not a model file in the skops format (not a zip archive: truncated, or a joblib "
                             "pickle from an older stance, refused because loading one can run code; retrain "
                             "with `stance train`)")
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        if "schema.json" not in names:
            raise ModelFileError("zip archive without schema.json: not a skops model file")
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise ModelFileError(f"unpacks to more than {MAX_UNPACKED_BYTES >> 30} GiB; refusing to read it")
        strange = [name for name in names if not _MEMBER.fullmatch(name)]
        if strange:
            raise ModelFileError(f"unexpected member {strange[0][:60]!r} in the model archive")


def load(path_or_bytes: str | Path | bytes) -> object:
    """The fitted pipeline stored in a file (or its bytes, read once so the bytes whose hash
    was checked are the bytes loaded); a file holding any type outside skops' trusted list
    and :data:`TRUSTED_TYPES` is refused without building anything from it."""
    import skops.io

    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    source = io.BytesIO(data)
    _check_archive(source)
    try:
        untrusted = [name for name in skops.io.get_untrusted_types(data=data) if name not in TRUSTED_TYPES]
    except ModelFileError:
        raise
    except Exception as err:  # malformed schema: whatever skops trips on, it is not our model
        raise ModelFileError(f"malformed skops model file ({type(err).__name__})") from None
    if untrusted:
        shown = ", ".join(untrusted[:3]) + (f" and {len(untrusted) - 3} more" if len(untrusted) > 3 else "")
        raise ModelFileError(f"holds types stance does not trust ({shown}); refusing to load it")
    try:
        stored = skops.io.loads(data, trusted=list(TRUSTED_TYPES))
    except Exception as err:
        raise ModelFileError(f"malformed skops model file ({type(err).__name__})") from None
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or "pipeline" not in stored:
        raise ModelFileError("skops file is not a stance model (no format marker)")
    pipeline = stored["pipeline"]
    vocabularies = stored.get("vocabularies") or {}
    parts = dict(_unpacked(pipeline))
    if not isinstance(vocabularies, dict) or set(vocabularies) != set(parts):
        raise ModelFileError("the model's vocabularies do not match its feature sets")
    for name, terms in vocabularies.items():
        if not isinstance(terms, np.ndarray) or terms.ndim != 1 or terms.dtype.kind != "U":
            raise ModelFileError(f"vocabulary {name!r} is not an array of terms")
        parts[name].vocabulary_ = {term: np.int64(i) for i, term in enumerate(terms.tolist())}
    return pipeline


def _unpacked(pipeline: object) -> Iterator[tuple[str, object]]:
    """The fitted vectorizers of a loaded pipeline, whose vocabularies were stored apart."""
    from sklearn.feature_extraction.text import CountVectorizer

    for step_name, step in getattr(pipeline, "steps", []):
        for part_name, part in getattr(step, "transformer_list", []):
            if isinstance(part, CountVectorizer) and hasattr(part, "fixed_vocabulary_"):
                yield f"{step_name}/{part_name}", part
