"""The hardening battery (issue 14): bad inputs, hostile files, faults and concurrent runs,
each run through the real command line in its own sandbox.

Every case of :data:`CASES` builds a sandbox (a trained model store, an annotation store
with its log, the seed corpus, and the outputs of an earlier run), breaks one thing, runs one
`stance` command and checks what a user would: the exit status, exactly one line on stderr
for a refusal (none for a success), and that the model store, CURRENT, HISTORY, the
annotation file and its folder, the corpus and the earlier outputs are byte for byte as they
were. The classes follow the issue: 1 code from model files, 2 reads outside the corpus,
3 lost or inconsistent data, 4 crashes on valid input, 5 denial of service, 6 injection,
7 tracebacks instead of one line, 8 leftovers and silent coercion. Faults that need a real
process (Ctrl-C, SIGKILL, a full disk, two commands at once) are the tests after the table.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from stance import store
from stance.cli import main
from stance.files import sha256
from stance.merge import LOG_FILE
from tests.conftest import PROJECT_ROOT, SEED_ANNOTATIONS, SEED_CORPUS

SECRET = "TOP-SECRET-OUTSIDE-THE-CORPUS"
ERROR = 2
INTERRUPTED = 130


# --- the sandbox ------------------------------------------------------------------------

@dataclass
class Sandbox:
    root: Path
    models: Path
    annotations: Path
    corpus: Path
    earlier: Path
    run: Path
    marker: Path          # a file that hostile input tries to create (code execution)
    secret: Path          # a file outside the corpus
    patches: list = field(default_factory=list)  # (object, attribute, value) set while the command runs

    @property
    def version(self) -> str:
        return store.current_version(self.models)

    @property
    def model_file(self) -> Path:
        return self.models / self.version / store.MODEL_FILE

    @property
    def card_file(self) -> Path:
        return self.models / self.version / store.CARD_FILE

    def card(self) -> dict:
        return json.loads(self.card_file.read_text())

    def write_card(self, card: object, version: str | None = None) -> None:
        (self.models / (version or self.version) / store.CARD_FILE).write_text(json.dumps(card))

    def replace_model(self, data: bytes, version: str | None = None, name: str | None = None) -> None:
        """Put ``data`` in as the model file, with its hash written on the card (as an attacker would)."""
        folder = self.models / (version or self.version)
        card = json.loads((folder / store.CARD_FILE).read_text())
        target = folder / (name or card["model_file"])
        target.write_bytes(data)
        card.update(model_file=target.name, model_sha256=sha256(target))
        (folder / store.CARD_FILE).write_text(json.dumps(card))

    def second_version(self, data: bytes | None = None) -> str:
        """A copy of the current version under another name (optionally with other model bytes)."""
        name = "20990101-000000-0badc0de"
        shutil.copytree(self.models / self.version, self.models / name)
        card = json.loads((self.models / name / store.CARD_FILE).read_text())
        card["version"] = name
        (self.models / name / store.CARD_FILE).write_text(json.dumps(card))
        if data is not None:
            self.replace_model(data, name)
        return name

    def jsonl_corpus(self, articles: list[dict], name: str = "corpus.jsonl") -> Path:
        path = self.root / name
        path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
        return path

    def manifest_row(self, path: str, doc_id: str = "evil") -> None:
        """Add one row to the corpus manifest pointing at ``path``."""
        with (self.corpus / "manifest.csv").open("a", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerow([doc_id, path, "Evil Outlet", "t", "", "", "", "", "", "", ""])

    def import_file(self, records: list[dict] | str, name: str = "export.jsonl") -> Path:
        path = self.root / name
        path.write_text(records if isinstance(records, str) else
                        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path


def _protected(box: Sandbox) -> dict[str, bytes]:
    """Every byte a failed or unrelated command must leave alone."""
    files = {}
    for folder in (box.models, box.annotations.parent, box.corpus, box.earlier):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                files[str(path)] = path.read_bytes()
            elif path.is_symlink():
                files[str(path)] = os.readlink(path).encode()
    return files


def _article(doc_id: str, outlet: str, text: str, **extra) -> dict:
    return {"doc_id": doc_id, "outlet": outlet, "title": "", "date": "", "author": "", "url": "", "text": text,
            **extra}


TEXTS = [
    "The senator said the United States must strike Iran now. Officials warned that a war would be a disaster.",
    "Troops arrived in Baghdad on Monday. The general urged restraint and called for talks.",
    "Hawks pushed for more air strikes. The ministry said it would respond.",
]


def _corpus_of(outlets: list[str], texts: list[str] | None = None) -> list[dict]:
    texts = texts or TEXTS
    return [_article(f"d{i}", outlet, texts[i % len(texts)]) for i, outlet in enumerate(outlets)]


# --- the cases --------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    klass: int
    command: str
    setup: Callable[[Sandbox], list[str]] = lambda box: []
    code: int = ERROR
    expect: str = ""           # a fragment the stderr line must hold (case-insensitive)
    check: Callable[[Sandbox], None] | None = None
    protected: bool = True     # models, annotations, corpus and earlier outputs byte-identical


CASES: list[Case] = []


def case(id: str, klass: int, command: str, setup=lambda box: [], code: int = ERROR, expect: str = "",
         check=None, protected: bool = True) -> None:
    CASES.append(Case(id, klass, command, setup, code, expect, check, protected))


# Class 1: code execution from a model file --------------------------------------------------

class _RunsCommand:
    """A pickle that runs code when loaded: it creates the sandbox's marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


class _ReturnsPipeline:
    """A pickle that runs code and then hands back the real model (the quiet variant)."""

    def __init__(self, marker: Path, model: Path):
        self.marker, self.model = marker, model

    def __reduce__(self):
        return (eval, (f"(__import__('pathlib').Path({str(self.marker)!r}).touch(), "
                       f"__import__('stance.modelfile').modelfile.load({str(self.model)!r}))[1]",))


def _no_marker(box: Sandbox) -> None:
    assert not box.marker.exists(), "code from the model file ran"


def _pickle_model(box: Sandbox) -> list[str]:
    box.replace_model(pickle.dumps(_RunsCommand(box.marker)))
    return []


def _quiet_pickle(box: Sandbox) -> list[str]:
    real = box.root / "real.skops"
    shutil.copyfile(box.model_file, real)
    box.replace_model(pickle.dumps(_ReturnsPipeline(box.marker, real)))
    return []


def _joblib_model(box: Sandbox) -> list[str]:
    import joblib

    from stance import modelfile

    path = box.root / "legacy.joblib"
    joblib.dump(modelfile.load(box.model_file), path, compress=3)
    box.replace_model(path.read_bytes(), name="model.joblib")
    return []


def _hostile_schema(module: str, cls: str, loader: str = "ObjectNode") -> Callable[[Sandbox], list[str]]:
    """The real model with its classifier's class swapped for ``module.cls``."""
    def setup(box: Sandbox) -> list[str]:
        with zipfile.ZipFile(box.model_file) as archive:
            members = {info.filename: archive.read(info) for info in archive.infolist()}
        text = members["schema.json"].decode()
        text = text.replace('"__class__": "LogisticRegression"', f'"__class__": "{cls}"', 1)
        text = text.replace('"__module__": "sklearn.linear_model._logistic"', f'"__module__": "{module}"', 1)
        if loader != "ObjectNode":
            text = text.replace('"__loader__": "ObjectNode"', f'"__loader__": "{loader}"', 1)
        members["schema.json"] = text.encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        box.replace_model(buffer.getvalue())
        return []
    return setup


def _zip_with(extra: dict[str, bytes], schema: bytes | None = None) -> Callable[[Sandbox], list[str]]:
    def setup(box: Sandbox) -> list[str]:
        with zipfile.ZipFile(box.model_file) as archive:
            members = {info.filename: archive.read(info) for info in archive.infolist()}
        if schema is not None:
            members["schema.json"] = schema
        members.update(extra)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        box.replace_model(buffer.getvalue())
        return []
    return setup


def _skops_of(obj_factory: Callable[[Sandbox], object]) -> Callable[[Sandbox], list[str]]:
    def setup(box: Sandbox) -> list[str]:
        import skops.io

        box.replace_model(skops.io.dumps({"format": 1, "pipeline": obj_factory(box), "vocabularies": {}}))
        return []
    return setup


for command in ("predict", "run"):
    case(f"pickle-running-a-command-{command}", 1, command, _pickle_model, expect="not a zip archive", check=_no_marker)
    case(f"pickle-returning-the-real-model-{command}", 1, command, _quiet_pickle, expect="skops", check=_no_marker)
    case(f"legacy-joblib-model-{command}", 1, command, _joblib_model, expect="joblib", check=_no_marker)
case("pickle-in-a-version-being-promoted", 1, "promote",
     lambda box: [box.second_version(pickle.dumps(_RunsCommand(box.marker)))], expect="not a zip", check=_no_marker)
case("quiet-pickle-in-a-version-being-promoted", 1, "promote",
     lambda box: [box.second_version(pickle.dumps(_ReturnsPipeline(box.marker, box.model_file)))],
     expect="not a zip", check=_no_marker)
case("pickle-in-a-version-named-for-predict", 1, "predict",
     lambda box: [f"store.version={box.second_version(pickle.dumps(_RunsCommand(box.marker)))}"], check=_no_marker)
for module, cls in [("posix", "system"), ("os", "system"), ("subprocess", "Popen"), ("builtins", "eval"),
                    ("builtins", "exec"), ("builtins", "open"), ("shutil", "rmtree"), ("pickle", "loads"),
                    ("joblib", "load"), ("numpy", "load"), ("importlib", "import_module"), ("runpy", "run_path"),
                    ("ctypes", "CDLL"), ("webbrowser", "open"), ("code", "InteractiveInterpreter"),
                    ("sklearn.utils", "Bunch")]:
    case(f"skops-model-holding-{module}.{cls}", 1, "predict", _hostile_schema(module, cls),
         expect="does not trust", check=_no_marker)
case("skops-function-node-os-system", 1, "predict", _hostile_schema("os", "system", "FunctionNode"), check=_no_marker)
case("skops-type-node-subprocess", 1, "predict", _hostile_schema("subprocess", "run", "TypeNode"), check=_no_marker)
case("skops-of-a-function", 1, "predict", _skops_of(lambda box: os.system), expect="does not trust")
case("skops-of-a-plain-list", 1, "predict",
     lambda box: (box.replace_model(__import__("skops.io").io.dumps([1, 2])), [])[1], expect="not a stance model")
case("skops-future-protocol", 1, "predict", _zip_with({}, b'{"protocol": 99, "__class__": "dict"}'))
case("skops-protocol-as-text", 1, "predict", _zip_with({}, b'{"protocol": "x"}'))
case("skops-schema-not-json", 1, "predict", _zip_with({}, b"{not json"))
case("skops-schema-nested-deeply", 1, "predict", _zip_with({}, b'{"a":' * 5000 + b"1" + b"}" * 5000))
case("zip-member-escaping-upwards", 1, "predict", _zip_with({"../../evil.npy": b"x"}), expect="unexpected member")
case("zip-member-absolute", 1, "predict", _zip_with({"/tmp/evil.npy": b"x"}), expect="unexpected member")
case("zip-without-schema", 1, "predict",
     lambda box: (box.replace_model(_only_member("1.npy", b"x")), [])[1], expect="without schema.json")
case("model-truncated-with-hash", 1, "predict",
     lambda box: (box.replace_model(box.model_file.read_bytes()[:4000]), [])[1])
case("model-empty-with-hash", 1, "predict", lambda box: (box.replace_model(b""), [])[1])
case("model-tampered-hash-mismatch", 1, "predict",
     lambda box: (box.model_file.write_bytes(box.model_file.read_bytes() + b"x"), [])[1], expect="does not match")
case("model-missing", 1, "predict", lambda box: (box.model_file.unlink(), [])[1], expect="missing")
case("model-is-a-folder", 1, "predict",
     lambda box: (box.model_file.unlink(), box.model_file.mkdir(), [])[2], expect="missing")
case("model-symlink-out-of-the-store", 1, "predict",
     lambda box: (shutil.copyfile(box.model_file, box.root / "outside.skops"), box.model_file.unlink(),
                  box.model_file.symlink_to(box.root / "outside.skops"), [])[3], expect="outside")
for name in ["/abs/dir", "../x", "x/../../y", ".", "..", "20261122-032929-7c44a51b/../../etc", "bad\nname",
             "20261122-032929-7c44a51b ", "２０２６１１２２-０３２９２９-７ｃ４４ａ５１ｂ", "0" * 300, "CURRENT", "HISTORY",
             ".lock", "20261122-032929-7C44A51B"]:
    case(f"promote-version-name-{name[:40]!r}", 1, "promote", lambda box, name=name: [f"store.version={name}"])
case("promote-a-version-that-does-not-exist", 1, "promote", lambda box: ["store.version=20990101-000000-00000000"],
     expect="no model card")
for content, note in [(b"/abs/dir\n", "absolute"), (b"../x\n", "dotdot"), (b"\xff\xfe\x00x", "not-utf8"),
                      (b"20261122-032929-7c44a51b\n20261122-032929-00000000\n", "two-lines"),
                      (b"20261122-032929-7c44\x00a51b", "nul")]:
    case(f"current-names-{note}", 1, "predict",
         lambda box, content=content: ((box.models / "CURRENT").write_bytes(content), [])[1])
for card, note in [([1, 2, 3], "a-list"), ("card", "a-string"), (None, "null")]:
    case(f"card-is-{note}", 1, "predict", lambda box, card=card: (box.write_card(card), [])[1],
         expect="not a JSON object")
case("card-not-json", 1, "predict", lambda box: (box.card_file.write_text("{oops"), [])[1], expect="not valid JSON")
case("card-not-utf8", 1, "predict", lambda box: (box.card_file.write_bytes(b"\xff{}"), [])[1], expect="UTF-8")
case("card-empty", 1, "predict", lambda box: (box.card_file.write_bytes(b""), [])[1])
case("card-nested-deeply", 1, "predict",
     lambda box: (box.card_file.write_text('{"a":' * 3000 + "1" + "}" * 3000), [])[1], expect="nested")
for model_file, note in [("/etc/passwd", "absolute"), ("../other/model.skops", "dotdot"), ("sub/model.skops", "subdir"),
                         (".hidden", "hidden"), ("", "empty"), ("..", "dotdot-alone")]:
    case(f"card-model-file-{note}", 1, "predict",
         lambda box, model_file=model_file: (box.write_card({**box.card(), "model_file": model_file}), [])[1])
case("card-model-file-a-number", 1, "predict", lambda box: (box.write_card({**box.card(), "model_file": 7}), [])[1])
case("card-training-data-absolute", 1, "predict",
     lambda box: (box.write_card({**box.card(), "training_data_file": "/etc/passwd"}), [])[1])
case("card-missing-labels", 1, "predict",
     lambda box: (box.write_card({k: v for k, v in box.card().items() if k != "labels"}), [])[1])


def _only_member(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


# Class 2: reads outside the corpus ------------------------------------------------------

def _outside(path_of: Callable[[Sandbox], str]) -> Callable[[Sandbox], list[str]]:
    def setup(box: Sandbox) -> list[str]:
        box.manifest_row(path_of(box))
        return []
    return setup


def _secret_not_in_outputs(box: Sandbox) -> None:
    for path in box.run.rglob("*") if box.run.exists() else []:
        if path.is_file():
            assert SECRET not in path.read_text(errors="replace"), f"{path} holds text from outside the corpus"


def _symlink_out(box: Sandbox) -> str:
    (box.corpus / "link.txt").symlink_to(box.secret)
    return "link.txt"


def _symlinked_folder(box: Sandbox) -> str:
    (box.corpus / "linked").symlink_to(box.secret.parent)
    return f"linked/{box.secret.name}"


def _chained_symlinks(box: Sandbox) -> str:
    (box.corpus / "a.txt").symlink_to(box.corpus / "b.txt")
    (box.corpus / "b.txt").symlink_to(box.secret)
    return "a.txt"


for command in ("predict", "queue"):
    for note, path_of in [("dotdot", lambda box: f"../{box.secret.name}"),
                          ("dotdot-deep", lambda box: f"../../{box.root.name}/{box.secret.name}"),
                          ("absolute", lambda box: str(box.secret)),
                          ("proc-environ", lambda box: "/proc/self/environ"),
                          ("dev-zero", lambda box: "/dev/zero"),
                          ("symlink-to-outside", _symlink_out),
                          ("symlinked-folder", _symlinked_folder),
                          ("chained-symlinks", _chained_symlinks),
                          ("inner-dotdot", lambda box: f"sub/../../{box.secret.name}"),
                          ("home", lambda box: f"~/{box.secret.name}")]:
        case(f"manifest-path-{note}-{command}", 2, command, _outside(path_of), check=_secret_not_in_outputs)
for note, path in [("nul", "a\x00b.txt"), ("empty", ""), ("folder", "."), ("url", "file:///etc/passwd"),
                   ("backslashes", "..\\..\\secret.txt"), ("missing", "nope.txt")]:
    case(f"manifest-path-{note}", 2, "predict", lambda box, path=path: (box.manifest_row(path), [])[1],
         check=_secret_not_in_outputs)


# Class 3: lost or inconsistent data ------------------------------------------------------

case("run-folder-of-an-earlier-run", 3, "predict", lambda box: [f"hydra.run.dir={box.earlier}"],
     expect="already holds")
case("run-folder-with-a-stranger's-file", 3, "models",
     lambda box: (box.run.mkdir(), (box.run / "notes.txt").write_text("mine"), [])[2], expect="already holds",
     check=lambda box: (box.run / "notes.txt").read_text() == "mine")
case("run-folder-claimed-by-a-running-command", 3, "models",
     lambda box: (box.run.mkdir(), (box.run / ".stance-run").write_text("1\n"), [])[2], expect="already holds")
case("run-folder-is-a-file", 3, "models", lambda box: (box.run.write_text("x"), [])[1])
for key, value in [("report.net.plus", "bogus"), ("report.net.minus", "bogus"), ("report.net.plus", "caution"),
                   ("store.promote", "bogus"), ("store.sweep_promote", "bogus"), ("report.method", "bogus"),
                   ("importing.on_conflict", "bogus"), ("eval.protocol", "bogus")]:
    case(f"config-{key}={value}", 3, "train", lambda box, key=key, value=value: [f"{key}={value}"], expect="config")


def _import_during_training(box: Sandbox) -> list[str]:
    """An import that lands while the model is being fitted (after the data was read)."""
    import stance.cli.train as train_module

    original = train_module.fit
    extra = json.loads(SEED_ANNOTATIONS.read_text().splitlines()[0])
    extra.update(id="late-row", text="A late sentence imported during training.", label="advocate")

    def fit_after_an_import(*args, **kwargs):
        with box.annotations.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(extra) + "\n")
        return original(*args, **kwargs)
    box.patches.append((train_module, "fit", fit_after_an_import))
    return ["eval=stratified_kfold", "eval.k=2", "store.promote=never"]


def _card_describes_what_the_model_saw(box: Sandbox) -> None:
    versions = [p for p in box.models.iterdir() if p.is_dir() and p.name != box.version]
    assert len(versions) == 1
    card = json.loads((versions[0] / store.CARD_FILE).read_text())
    assert card["annotations"]["annotations_sha256"] == sha256(SEED_ANNOTATIONS)
    assert card["annotations"]["n_sentences"] == 181
    assert (versions[0] / card["training_data_file"]).read_bytes() == SEED_ANNOTATIONS.read_bytes()
    assert "late-row" in box.annotations.read_text()  # the import itself landed


case("import-during-training", 3, "train", _import_during_training, code=0, check=_card_describes_what_the_model_saw,
     protected=False)


def _interrupt_when(module, name: str, when: Callable[..., bool] = lambda *a, **k: True):
    def setup(box: Sandbox) -> list[str]:
        original = getattr(module, name)

        def interrupted(*args, **kwargs):
            if when(*args, **kwargs):
                raise KeyboardInterrupt
            return original(*args, **kwargs)
        box.patches.append((module, name, interrupted))
        return []
    return setup


def _promote_interrupted(box: Sandbox) -> list[str]:
    other = box.second_version()
    _interrupt_when(store, "write_text_atomic")(box)
    return [other]


case("promote-interrupted-before-current", 3, "promote", _promote_interrupted, code=INTERRUPTED,
     expect="interrupted", protected=False, check=lambda box: _current_is_the_first(box))


def _current_is_the_first(box: Sandbox) -> None:
    assert (box.models / "CURRENT").read_text().strip() != "20990101-000000-0badc0de"


def _import_interrupted(box: Sandbox) -> list[str]:
    import stance.cli.import_ as import_module

    row = json.loads(SEED_ANNOTATIONS.read_text().splitlines()[3])
    _interrupt_when(import_module, "write_annotations")(box)
    return [str(box.import_file([{**row, "label": "advocate" if row["label"] != "advocate" else "caution"}])),
            "importing.on_conflict=replace"]


def _store_unchanged_and_log_reconciled(box: Sandbox) -> None:
    assert box.annotations.read_bytes() == SEED_ANNOTATIONS.read_bytes()


case("import-interrupted-between-log-and-store", 3, "import", _import_interrupted, code=INTERRUPTED,
     expect="interrupted", protected=False, check=_store_unchanged_and_log_reconciled)


def _save_interrupted(box: Sandbox) -> list[str]:
    from stance import modelfile

    _interrupt_when(modelfile, "dumps")(box)
    return ["eval=stratified_kfold", "eval.k=2", "store.promote=always"]


case("train-interrupted-while-saving", 3, "train", _save_interrupted, code=INTERRUPTED, expect="interrupted")


def _symlinked_store(box: Sandbox) -> list[str]:
    real = box.root / "real_store.jsonl"
    box.annotations.rename(real)
    box.annotations.symlink_to(real)
    row = json.loads(SEED_ANNOTATIONS.read_text().splitlines()[0])
    return [str(box.import_file([{**row, "id": "new-row", "text": "A brand new sentence here.", "label": "caution"}])),
            "importing.match_corpus=false", "annotations.check_actors=false"]


def _link_kept(box: Sandbox) -> None:
    assert box.annotations.is_symlink() and "new-row" in (box.root / "real_store.jsonl").read_text()


case("import-into-a-symlinked-store-keeps-the-link", 3, "import", _symlinked_store, code=0, check=_link_kept,
     protected=False)


# Class 4: crashes on valid input ---------------------------------------------------------

def _predict_on(articles_of: Callable[[Sandbox], list[dict]], *extra: str) -> Callable[[Sandbox], list[str]]:
    def setup(box: Sandbox) -> list[str]:
        return [f"corpus.path={box.jsonl_corpus(articles_of(box))}", "report.bootstrap.n=60", *extra]
    return setup


def _outputs_written(box: Sandbox) -> None:
    for name in ("predictions.jsonl", "by_outlet.csv", "by_outlet.png", "by_actor.png", "report.html"):
        assert (box.run / name).is_file(), name


def _same_article_twice(box: Sandbox) -> list[dict]:
    text = (SEED_CORPUS / "001_46eb3fff84392b7f.txt").read_text()
    return [_article("one", "Outlet A", text), _article("two", "Outlet A", text),
            _article("three", "Outlet B", TEXTS[0])]


case("same-article-twice-default-method", 4, "predict",
     lambda box: [f"corpus.path={box.jsonl_corpus(_same_article_twice(box))}"], code=0, check=_outputs_written)
case("same-article-twice-cc", 4, "predict", _predict_on(_same_article_twice, "report.method=cc"), code=0,
     check=_outputs_written)
case("same-article-twice-pacc", 4, "predict", _predict_on(_same_article_twice, "report.method=pacc"), code=0,
     check=_outputs_written)
for name in ["$x$", "$$", r"$\frac{1}{$", "\\$", "a$b$c", "^_^ {x}", "%s %d {0}", "<script>alert(1)</script>",
             "الجزيرة", "🚀 News", "N" * 400, "Fox & Friends; \"quoted\"", r"\undefined{x}", "$" * 9]:
    case(f"outlet-named-{name[:16]!r}", 4, "predict",
         _predict_on(lambda box, name=name: _corpus_of([name, name, "Plain Outlet", "Plain Outlet"])), code=0,
         check=_outputs_written)
case("one-article-only", 4, "predict", _predict_on(lambda box: _corpus_of(["Solo"])), code=0, check=_outputs_written)
case("no-holders-anywhere", 4, "predict",
     _predict_on(lambda box: _corpus_of(["A", "B"], ["Rain fell. The sea was calm."])), code=0,
     check=_outputs_written)


# Class 5: denial of service --------------------------------------------------------------

def _long_line(size: int) -> Callable[[Sandbox], list[dict]]:
    def articles(box: Sandbox) -> list[dict]:
        line = ("Officials said the war must end and the troops would stay " * (size // 60))[:size]
        return [_article("long", "Big", line), *_corpus_of(["A", "B"])]
    return articles


case("one-line-article-of-1-mb", 5, "predict", _predict_on(_long_line(1_000_000)), code=0, check=_outputs_written)
case("one-line-of-spaces-and-dashes", 5, "predict",
     _predict_on(lambda box: [_article("d", "X", "- " * 200_000 + "end."), *_corpus_of(["A"])]), code=0,
     check=_outputs_written)
DEEP = "[" * 100000 + "]" * 100000
case("deep-json-in-a-corpus", 5, "predict",
     lambda box: [f"corpus.path={_raw(box, 'c.jsonl', '{%s: %s}' % (json.dumps('doc_id'), DEEP))}"], expect="nested")
case("deep-json-in-annotations", 5, "train",
     lambda box: (box.annotations.write_text('{"id": ' + "[" * 100000 + "]" * 100000 + "}\n"), [])[1],
     expect="nested")
case("deep-json-in-an-import", 5, "import",
     lambda box: [str(box.import_file('{"text": ' + "[" * 100000 + "]" * 100000 + "}\n"))], expect="nested")
case("deep-json-in-earlier-predictions", 5, "report",
     lambda box: [f"report.predictions={_raw(box, 'p.jsonl', '{%s: %s}' % (json.dumps('a'), DEEP))}"],
     expect="nested")
case("model-archive-that-unpacks-huge", 5, "predict",
     lambda box: (box.patches.append((__import__("stance.modelfile").modelfile, "MAX_UNPACKED_BYTES", 1000)), [])[1],
     expect="unpacks to more than")


def _raw(box: Sandbox, name: str, text: str) -> Path:
    path = box.root / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


# Class 6: injection ----------------------------------------------------------------------

def _no_formula_cells(*files: str) -> Callable[[Sandbox], None]:
    def check(box: Sandbox) -> None:
        for name in files:
            with (box.run / name).open(encoding="utf-8", newline="") as handle:
                for row in csv.reader(handle):
                    bad = [cell for cell in row if cell[:1] in ("=", "+", "@", "\t", "\r")
                           or (cell[:1] == "-" and not _number(cell))]
                    assert not bad, f"{name}: {bad}"
        _outputs_written(box)
    return check


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


for prefix in ["=", "+", "-", "@", "\t", "\r"]:
    outlet = f"{prefix}HYPERLINK(\"http://evil/\",\"x\")"
    case(f"outlet-starting-with-{prefix!r}-in-tables-and-events", 6, "predict",
         _predict_on(lambda box, outlet=outlet: _corpus_of([outlet, outlet, "Plain"],
                                                           [f"{prefix}cmd|' /C calc'!A0 said the US must strike."])),
         code=0, check=_no_formula_cells("by_outlet.csv", "events.csv", "actor_by_outlet.csv", "by_actor.csv"))


def _queue_with_formulas(box: Sandbox) -> list[str]:
    articles = [_article(f"d{i}", "=Outlet", f"=cmd|'/C calc'!A{i} must strike now. -2+3 said the general. "
                                            f"@SUM(1) warned of war {i}.") for i in range(3)]
    return [f"corpus.path={box.jsonl_corpus(articles)}", "queue.size=5"]


case("queue-csv-sentences-starting-with-formulas", 6, "queue", _queue_with_formulas, code=0,
     check=lambda box: _queue_cells_safe(box))


def _queue_cells_safe(box: Sandbox) -> None:
    with (box.run / "queue.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(not row[c][:1] in "=+-@" or row[c] == "" for row in rows for c in ("text", "outlet", "previous"))
    assert any(row["text"].startswith("'=") for row in rows)


def _override_with_newline(box: Sandbox) -> list[str]:
    return [f"+note='x\ntouch {box.marker}'"]


def _reproduce_is_inert(box: Sandbox) -> None:
    script = box.run / "reproduce.sh"
    assert script.is_file()
    subprocess.run(["sh", "-n", str(script)], check=True)
    text = script.read_text()
    assert all("touch" not in line or not line.startswith("#") or "\\x0a" in line or "'" in line
               for line in text.splitlines())
    fake = box.root / "fake_python"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    subprocess.run(["sh", "-c", text.replace(sys.executable, str(fake)).split("\n", 1)[1]], check=True,
                   capture_output=True)
    assert not box.marker.exists()


case("override-with-a-newline-in-reproduce-sh", 6, "models", _override_with_newline, code=0,
     check=_reproduce_is_inert)
case("override-with-a-quote-in-reproduce-sh", 6, "models",
     lambda box: [f"+note=\"it's'; touch {box.marker}; '\""], code=0, check=_reproduce_is_inert)
case("a-multi-line-config-text-is-refused", 6, "models", lambda box: [f"importing.annotator='x\ntouch {box.marker}'"],
     expect="single line", check=_no_marker)


# Class 7: tracebacks instead of one line -------------------------------------------------

for field_name, value in [("doc_id", 5), ("doc_id", None), ("doc_id", ["a"]), ("outlet", 3), ("outlet", ["x"]),
                          ("outlet", {"a": 1}), ("text", {"t": 1}), ("text", 12), ("text", None), ("title", 2.5),
                          ("date", 20200328), ("author", True), ("url", [1])]:
    case(f"jsonl-corpus-{field_name}-is-{type(value).__name__}", 7, "predict",
         lambda box, f=field_name, v=value: [f"corpus.path={box.jsonl_corpus([{**_article('a', 'X', 'T.'), f: v}])}"])
case("jsonl-corpus-line-is-a-list", 7, "predict", lambda box: [f"corpus.path={_raw(box, 'c.jsonl', '[1, 2]')}"])
case("jsonl-corpus-not-utf8", 7, "predict",
     lambda box: ((box.root / "c.jsonl").write_bytes(b'{"doc_id": "\xff"}\n'), [f"corpus.path={box.root / 'c.jsonl'}"])[1],
     expect="UTF-8")
case("jsonl-corpus-empty", 7, "predict", lambda box: [f"corpus.path={_raw(box, 'c.jsonl', '')}"])
case("jsonl-corpus-duplicate-ids", 7, "predict",
     lambda box: [f"corpus.path={box.jsonl_corpus([_article('a', 'X', 'T.'), _article('a', 'Y', 'U.')])}"])
for row_change, note in [({"label": "hawkish"}, "unknown-label"), ({"label": 3}, "label-number"),
                         ({"id": 7}, "id-number"), ({"text": ["a"]}, "text-list"), ({"doc_id": None}, "doc-id-null"),
                         ({"actors": "Mike Pompeo"}, "actors-string"), ({"actors": [1, 2]}, "actors-numbers"),
                         ({"actors": {"a": 1}}, "actors-object"), ({"annotator": 5}, "annotator-number"),
                         ({"note": ["x"]}, "note-list")]:
    case(f"annotation-row-{note}", 7, "train",
         lambda box, change=row_change: (_rewrite_first_annotation(box, change), [])[1])
case("annotation-duplicate-id", 7, "train",
     lambda box: (box.annotations.write_text(SEED_ANNOTATIONS.read_text().splitlines()[0] + "\n"
                                            + SEED_ANNOTATIONS.read_text()), [])[1])
case("annotation-file-empty", 7, "train", lambda box: (box.annotations.write_text(""), [])[1])
case("annotation-file-not-utf8", 7, "train", lambda box: (box.annotations.write_bytes(b"\xff\xfe"), [])[1])
case("annotation-file-missing", 7, "train", lambda box: [f"annotations.path={box.root / 'nope.jsonl'}"])
for export, note in [({"a": 1}, "object-not-list"), ([{"data": "x", "annotations": []}], "data-not-object"),
                     ([{"data": {"text": "x"}, "annotations": {"a": 1}}], "annotations-not-list"),
                     ([{"data": {"text": "x"}, "annotations": [{"result": "x"}]}], "result-not-list"),
                     ([{"data": {"text": "x"}, "annotations": [{"result": [{"value": "x"}]}]}], "value-not-object"),
                     ([{"data": {"text": "x"}, "annotations": [{"result": [{"value": {"choices": "advocate"}}]}]}],
                      "choices-not-list"),
                     ([{"data": {"text": "x"}, "annotations": [{"result": [{"value": {"choices": [[1]]}}]}]}],
                      "choice-a-list"),
                     ([1, 2], "tasks-are-numbers"), ([[]], "task-a-list")]:
    case(f"label-studio-{note}", 7, "import",
         lambda box, export=export: [str(box.import_file(json.dumps(export), "export.json")),
                                     "importing.format=label_studio"])
case("doccano-label-not-a-list-of-text", 7, "import",
     lambda box: [str(box.import_file([{"id": 1, "text": "x", "label": [{"a": 1}]}])), "importing.format=doccano"])
case("import-file-missing", 7, "import", lambda box: [str(box.root / "nope.jsonl")])
for key, value in [("model.C", "abc"), ("model.C", "-1"), ("model.C", "0"), ("model.max_iter", "0"),
                   ("model.max_iter", "1.5"), ("model.solver", "bogus"), ("model.class_weight", "bogus"),
                   ("model.tol", "-1"), ("eval.k", "1"), ("eval.k", "abc"), ("seed", "abc"), ("seed", "-1"),
                   ("report.min_n", "-1"), ("report.min_n", "abc"), ("report.max_rows", "abc"),
                   ("report.max_rows", "-3"), ("report.outlet_column", "''"), ("actors.window", "-5"),
                   ("actors.window", "abc"), ("clean.drop_line_patterns", "['(']"), 
                   ("annotations.path", "''"), ("report.confidence", "2"),
                   ("corpus.batch_size", "0"), ("features.word.ngram_range", "[2,1]"), ("report.min_articles", "x")]:
    case(f"config-{key}={value}", 7, "train", lambda box, key=key, value=value: [f"{key}={value}"], expect="config")
case("config-report.bootstrap.n=0", 7, "predict", lambda box: ["report.bootstrap.n=0"], expect="bootstrap")
case("config-store-dir-empty", 7, "models", lambda box: ["store.dir=''"])
case("config-corpus-path-empty", 7, "predict", lambda box: ["corpus.path=''"], expect="corpus.path")
case("store-dir-is-a-file", 7, "promote",
     lambda box: ((box.root / "file").write_text("x"), [f"store.dir={box.root / 'file'}", "20990101-000000-00000000"])[1])
case("annotations-path-is-a-folder", 7, "train", lambda box: [f"annotations.path={box.root}"])
case("corpus-folder-without-manifest", 7, "predict",
     lambda box: ((box.root / "empty").mkdir(), [f"corpus.path={box.root / 'empty'}"])[1])
case("predictions-file-missing", 7, "report", lambda box: [f"report.predictions={box.root / 'nope.jsonl'}"])
case("current-not-utf8", 7, "models", lambda box: ((box.models / "CURRENT").write_bytes(b"\xff\xff"), [])[1],
     expect="UTF-8")
case("run-folder-under-a-file", 7, "models",
     lambda box: ((box.root / "plain").write_text("x"), [f"hydra.run.dir={box.root / 'plain' / 'run'}"])[1])
case("write-fails-with-oserror", 7, "predict",
     lambda box: (box.patches.append((os, "replace", _disk_full)), [])[1], expect="No space left",
     check=lambda box: _no_temporary_files(box))


def _disk_full(*args, **kwargs):
    raise OSError(28, "No space left on device", str(args[1]))


def _no_temporary_files(box: Sandbox) -> None:
    assert not [p for p in box.run.rglob("*.tmp")]


def _rewrite_first_annotation(box: Sandbox, change: dict) -> None:
    lines = SEED_ANNOTATIONS.read_text().splitlines()
    first = {**json.loads(lines[0]), **change}
    box.annotations.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")


# Class 8: leftovers and silent coercion --------------------------------------------------

def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _leftovers(box: Sandbox) -> list[str]:
    dead = _dead_pid()
    (box.models / f".staging-{dead}-abcd1234").mkdir()
    (box.models / f".staging-{dead}-abcd1234" / "model.skops").write_bytes(b"half")
    (box.models / f".CURRENT.ab12cd34.{dead}.tmp").write_text("x")
    (box.annotations.parent / f".{box.annotations.name}.zz12yy34.{dead}.tmp").write_text("x")
    (box.models / f".staging-{os.getpid()}-live0001").mkdir()
    return [box.version]


def _leftovers_gone(box: Sandbox) -> None:
    names = [p.name for p in (*box.models.iterdir(), *box.annotations.parent.iterdir())]
    assert not [n for n in names if n.endswith(".tmp") or (n.startswith(".staging-") and "live" not in n)], names
    assert f".staging-{os.getpid()}-live0001" in names


case("stale-staging-and-tmp-files-removed", 8, "promote", _leftovers, code=0, check=_leftovers_gone, protected=False)
for field_name, value in [("date", "2020-03-28garbage"), ("date", "2020-13-01"), ("date", "28/03/2020"),
                          ("date", "2020-02-30"), ("text", "A\x00B said."), ("outlet", "Out\x00let"),
                          ("doc_id", "a\x00b"), ("doc_id", ""), ("outlet", 1.5)]:
    case(f"corpus-{field_name}-{value!r}", 8, "predict",
         lambda box, f=field_name, v=value: [f"corpus.path={box.jsonl_corpus([{**_article('a', 'X', 'T said.'), f: v}])}"])
case("manifest-date-with-garbage", 8, "predict",
     lambda box: ((box.corpus / "manifest.csv").write_text(
         (box.corpus / "manifest.csv").read_text().replace("2020-03-28", "2020-03-28garbage", 1)), [])[1],
     expect="date")
case("manifest-with-nul", 8, "predict",
     lambda box: ((box.corpus / "manifest.csv").write_text(
         (box.corpus / "manifest.csv").read_text().replace("Antiwar.com", "Anti\x00war", 1)), [])[1])
case("bom-in-a-jsonl-corpus-is-read", 8, "predict",
     lambda box: ((box.root / "bom.jsonl").write_text("\ufeff" + json.dumps(_article("a", "X", TEXTS[0])) + "\n"),
                  [f"corpus.path={box.root / 'bom.jsonl'}", "report.bootstrap.n=60"])[1], code=0,
     check=_outputs_written)
case("bom-in-annotations-is-read", 8, "import",
     lambda box: [str(box.import_file("\ufeff" + SEED_ANNOTATIONS.read_text().splitlines()[0] + "\n")),
                  "importing.match_corpus=false"], code=0, protected=False)
case("import-label-a-number", 8, "import",
     lambda box: [str(box.import_file([{**json.loads(SEED_ANNOTATIONS.read_text().splitlines()[0]), "label": 1}]))])
case("import-text-a-list", 8, "import",
     lambda box: [str(box.import_file([{**json.loads(SEED_ANNOTATIONS.read_text().splitlines()[0]), "text": ["x"]}]))])


# --- running a case ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def earlier_run(trained_models, tmp_path_factory) -> Path:
    """The outputs of an earlier `stance predict` on the seed corpus (kept byte-identical)."""
    root = tmp_path_factory.mktemp("earlier")
    code = main(["predict", f"store.dir={trained_models}", "report.print=false", "report.bootstrap.n=60",
                 f"hydra.run.dir={root / 'run'}"])
    assert code == 0
    return root / "run"


@pytest.fixture
def sandbox(tmp_path, trained_models, earlier_run) -> Sandbox:
    models = tmp_path / "models"
    shutil.copytree(trained_models, models, symlinks=True)
    annotations = tmp_path / "annotations" / "store.jsonl"
    annotations.parent.mkdir()
    shutil.copyfile(SEED_ANNOTATIONS, annotations)
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    earlier = tmp_path / "earlier"
    shutil.copytree(earlier_run, earlier)
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{SECRET} The senator said the US must strike now.\n")
    box = Sandbox(tmp_path, models, annotations, corpus, earlier, tmp_path / "run", tmp_path / "PWNED", secret)
    box.patches = []
    return box


def _run(box: Sandbox, command: str, extra: list[str], monkeypatch, capfd) -> tuple[int, list[str]]:
    for target, name, value in box.patches:
        monkeypatch.setattr(target, name, value)
    positional = [extra[0]] if extra and "=" not in extra[0] and not extra[0].startswith("+") else []
    rest = extra[len(positional):]
    given = {o.split("=")[0] for o in rest}
    base = [o for o in (f"store.dir={box.models}", "annotations=seed", f"annotations.path={box.annotations}",
                        f"corpus.path={box.corpus}", "eval=leave_one_article_out", "report.print=false",
                        f"hydra.run.dir={box.run}") if o.split("=")[0] not in given]
    capfd.readouterr()
    code = main([command, *positional, *base, *rest])
    err = capfd.readouterr().err
    return code, [line for line in err.splitlines() if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.klass}-{c.id}" for c in CASES])
def test_battery(case: Case, sandbox: Sandbox, monkeypatch, capfd):
    extra = case.setup(sandbox)
    before = _protected(sandbox)
    code, lines = _run(sandbox, case.command, extra, monkeypatch, capfd)
    if os.environ.get("STANCE_HARDENING_LOG"):  # what docs/hardening.md lists for each case
        with open(os.environ["STANCE_HARDENING_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({"class": case.klass, "case": case.id, "command": case.command, "exit": code,
                                  "stderr": [line.replace(str(sandbox.root), "SANDBOX") for line in lines]}) + "\n")
    assert code == case.code, lines
    if case.code == 0:
        assert lines == [], lines
    else:
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"stance {case.command}: "), lines
        assert case.expect.lower() in lines[0].lower(), lines
    if case.protected:
        after = _protected(sandbox)
        assert sorted(after) == sorted(before) and all(after[k] == before[k] for k in before), \
            [k for k in before if after.get(k) != before[k]] + [k for k in after if k not in before]
    if case.check:
        case.check(sandbox)


def test_the_battery_covers_every_class_with_at_least_150_cases():
    by_class = {k: sum(1 for c in CASES if c.klass == k) for k in range(1, 9)}
    assert all(n >= 3 for n in by_class.values()), by_class
    assert len(CASES) >= 150 and len({c.id for c in CASES}) == len(CASES)


# --- faults that need a real process -------------------------------------------------------

def _stance(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "stance.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_ctrl_c_during_training_is_one_line_and_leaves_the_store_as_it_was(sandbox):
    # the cross-crisis store: its leave-one-crisis-out takes minutes, so the signal lands inside
    # cross-validation however loaded the machine is (the seed set could finish first)
    shutil.copyfile(PROJECT_ROOT / "data" / "annotations" / "crises.jsonl", sandbox.annotations)
    before = _protected(sandbox)
    process = _stance("train", "annotations=crises", "eval=leave_one_crisis_out", f"store.dir={sandbox.models}",
                      f"annotations.path={sandbox.annotations}", f"hydra.run.dir={sandbox.run}", "store.promote=always")
    deadline = time.time() + 120
    while time.time() < deadline and not (sandbox.run / ".hydra").exists():
        time.sleep(0.2)
    time.sleep(3)  # inside cross-validation
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    lines = [line for line in err.splitlines() if line.strip()]
    assert process.returncode == INTERRUPTED and len(lines) == 1 and "interrupted" in lines[0], err
    assert _protected(sandbox) == before


def test_a_full_disk_is_one_line_and_leaves_earlier_outputs(sandbox):
    import resource

    before = _protected(sandbox)

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))
    process = _stance("predict", f"store.dir={sandbox.models}", f"hydra.run.dir={sandbox.run}", "report.print=false",
                      "report.bootstrap.n=60", preexec_fn=small_files)
    _, err = process.communicate(timeout=600)
    lines = [line for line in err.splitlines() if line.strip()]
    assert process.returncode == ERROR and len(lines) == 1 and "File too large" in lines[0], err
    assert _protected(sandbox) == before
    assert not [p for p in sandbox.run.iterdir() if p.name.endswith(".tmp")]


def test_a_killed_save_leaves_a_staging_folder_the_next_command_removes(sandbox):
    script = (f"import os, sys, signal; from stance import store, modelfile\n"
              f"modelfile.dumps = lambda p: os.kill(os.getpid(), signal.SIGKILL)\n"
              f"store.save_version({str(sandbox.models)!r}, None, None)\n")
    subprocess.run([sys.executable, "-c", script], check=False)
    assert [p for p in sandbox.models.iterdir() if p.name.startswith(".staging-")]
    code = main(["promote", sandbox.version, f"store.dir={sandbox.models}", f"hydra.run.dir={sandbox.run}"])
    assert code == 0 and not [p for p in sandbox.models.iterdir() if p.name.startswith(".staging-")]


def test_two_imports_at_once_keep_both(sandbox):
    rows = [json.loads(line) for line in SEED_ANNOTATIONS.read_text().splitlines()[:2]]
    exports = [sandbox.import_file([{**row, "id": f"new-{n}", "text": f"A new sentence number {n}.", "label": "caution"}],
                                   f"export{n}.jsonl") for n, row in enumerate(rows)]
    processes = [_stance("import", str(export), f"annotations.path={sandbox.annotations}", "importing.match_corpus=false",
                         "annotations.check_actors=false", f"hydra.run.dir={sandbox.root / f'import{n}'}")
                 for n, export in enumerate(exports)]
    for process in processes:
        process.communicate(timeout=300)
        assert process.returncode == 0
    ids = [json.loads(line)["id"] for line in sandbox.annotations.read_text().splitlines()]
    assert {"new-0", "new-1"} <= set(ids) and len(ids) == 183
    log = [json.loads(line) for line in (sandbox.annotations.parent / LOG_FILE).read_text().splitlines()]
    assert len(log) == 2


def test_two_runs_aimed_at_one_folder_never_share_it(sandbox):
    processes = [_stance("models", f"store.dir={sandbox.models}", f"hydra.run.dir={sandbox.run}") for _ in range(2)]
    results = [process.communicate(timeout=300) for process in processes]
    codes = sorted(process.returncode for process in processes)
    assert codes == [0, ERROR], results
    refused = [err for (_, err), process in zip(results, processes) if process.returncode == ERROR][0]
    assert len(refused.strip().splitlines()) == 1 and "already holds" in refused
