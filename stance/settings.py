"""The configuration as plain, checked values: one frozen dataclass per config group.

The CLI resolves Hydra's config into plain dictionaries and calls :func:`from_config` once;
every value is checked here, and a bad one stops the command with the one-line error of
SPEC section 5 (``config: model.C='abc' is not a number``) before anything is read or
written. Defaults live only in ``conf/``: a key missing here is a broken config file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError

PACKAGE_ROOT = Path(__file__).resolve().parent
# The shipped seed project (stance.project.shipped_root): the checkout's root in a source
# checkout, the package's resources folder when installed.
PROJECT_ROOT = (PACKAGE_ROOT / "resources" / "conf").resolve().parent
CONFIG_DIR = PROJECT_ROOT / "conf"

PROMOTION_POLICIES = ("never", "if_none", "if_better", "always")
SOLVERS = ("lbfgs", "newton-cg", "newton-cholesky", "sag", "saga", "liblinear")
MAX_PATTERN_CHARS = 1000


def shown_path(path: str | Path) -> str:
    """A path as recorded in metrics and cards: relative to the project when inside it,
    so a shipped card names no one's home folder."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


class Section:
    """One config group's values, read with type checks; errors name ``group.key``."""

    def __init__(self, raw: Any, name: str, base: Path):
        if not isinstance(raw, Mapping):
            raise ConfigError(f"config: {name} must be a group of settings, not {raw!r}")
        self.raw, self.name, self.base = raw, name, base

    def _get(self, key: str) -> Any:
        if key not in self.raw:
            raise ConfigError(f"config: {self.name}.{key} is missing (is conf/ complete?)")
        return self.raw[key]

    def fail(self, key: str, expected: str) -> ConfigError:
        return ConfigError(f"config: {self.name}.{key}={self.raw.get(key)!r}: expected {expected}")

    def text(self, key: str, choices: tuple[str, ...] | None = None, optional: bool = False) -> str | None:
        value = self._get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or \
                (isinstance(value, str) and not value.strip() and not optional):
            raise self.fail(key, "one of " + ", ".join(choices) if choices else "a non-empty text")
        value = str(value).strip()
        if optional and not value:
            return None
        if "\n" in value or "\x00" in value:
            raise self.fail(key, "a single line of text")
        if choices is not None and value not in choices:
            raise self.fail(key, "one of " + ", ".join(choices))
        return value

    def number(self, key: str, minimum: float | None = None, maximum: float | None = None,
               integer: bool = False, optional: bool = False, above: float | None = None) -> float | int | None:
        value = self._get(key)
        if value is None and optional:
            return None
        kind = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and isinstance(value, float)
                                                                              and not value.is_integer()):
            raise self.fail(key, kind)
        if value != value or value in (float("inf"), float("-inf")):
            raise self.fail(key, f"{kind} (not NaN or infinite)")
        if minimum is not None and value < minimum:
            raise self.fail(key, f"{kind} >= {minimum:g}")
        if maximum is not None and value > maximum:
            raise self.fail(key, f"{kind} <= {maximum:g}")
        if above is not None and value <= above:
            raise self.fail(key, f"{kind} > {above:g}")
        return int(value) if integer else float(value)

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self.fail(key, "true or false")
        return value

    def path(self, key: str, optional: bool = True) -> Path | None:
        """A path the user gave, resolved against the folder they launched from."""
        value = self._get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if optional:
                return None
            raise self.fail(key, "a path")
        if not isinstance(value, str) or "\x00" in value or "\n" in value:
            raise self.fail(key, "a path")
        path = Path(value.strip()).expanduser()
        return path if path.is_absolute() else (self.base / path)

    def paths(self, key: str) -> tuple[Path, ...]:
        values = self.strings(key)
        return tuple(p if p.is_absolute() else self.base / p for p in (Path(v).expanduser() for v in values))

    def strings(self, key: str, optional: bool = False, allow_empty: bool = True) -> tuple[str, ...] | None:
        value = self._get(key)
        if value is None and optional:
            return None
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "a list of non-empty texts")
        if not value and not allow_empty:
            raise self.fail(key, "a non-empty list")
        return tuple(str(v).strip() for v in value)

    def patterns(self, key: str) -> tuple[str, ...]:
        values = self.strings(key)
        for pattern in values:
            if len(pattern) > MAX_PATTERN_CHARS:
                raise self.fail(key, f"patterns of at most {MAX_PATTERN_CHARS} characters")
            try:
                re.compile(pattern)
            except re.error as err:
                raise ConfigError(f"config: {self.name}.{key}: pattern {pattern!r} is not a regular expression "
                                  f"({err})") from None
        return values

    def group(self, key: str) -> "Section":
        return Section(self._get(key), f"{self.name}.{key}", self.base)


# --- the groups ------------------------------------------------------------------------


PREDICTION_FORMATS = ("jsonl", "parquet")


@dataclass(frozen=True)
class CorpusSettings:
    path: Path | None
    batch_size: int
    progress_min_articles: int
    n_jobs: int                      # worker processes: -1 one per core, 1 none
    predictions: tuple[str, ...]     # predictions.jsonl and/or predictions.parquet


@dataclass(frozen=True)
class LauncherSettings:
    """Where `stance predict` labels: ``local`` (corpus.n_jobs processes) or ``dask``."""

    name: str
    scheduler: str | None = None
    workers: int = 0
    partition_articles: int = 0
    in_flight: int = 0


@dataclass(frozen=True)
class SegmentSettings:
    abbreviations: tuple[str, ...]
    merge_fragments: bool
    attribution_verbs: tuple[str, ...]


@dataclass(frozen=True)
class ActorSettings:
    path: Path | None
    reporting_verbs: tuple[str, ...]   # lemmas; inflections are generated (stance/verbs.py)
    phrases: tuple[str, ...]           # cues that are not verbs ("according to", "wary")
    window: int
    quote_limit: int
    resolve_pronouns: bool
    resolve_titles: bool
    report_candidates: bool
    speech_verbs: tuple[str, ...]      # the verbs of saying among the reporting verbs and phrases
    inverted_verbs: tuple[str, ...]    # reporting verbs that may stand before their subject
    statement_verbs: tuple[str, ...]   # verbs of a statement: "the statement read", candidate speakers
    holder_model: Path | None          # weights of the learned holder decision; None: the rules decide



@dataclass(frozen=True)
class AnnotationSettings:
    path: Path | None
    labels: tuple[str, ...]
    check_actors: bool
    actor_files: tuple[Path, ...]   # gazetteers whose names the store's holders may use


@dataclass(frozen=True)
class EvalSettings:
    protocol: str
    k: int
    holdout_path: Path | None
    f_avg_labels: tuple[str, ...] | None
    group_column: str
    n_jobs: int            # folds fitted at once (worker processes); -1: every core

    def as_record(self) -> dict:
        """The protocol as stored in metrics and cards."""
        return {"protocol": self.protocol, "k": self.k, "group_column": self.group_column,
                "holdout_path": str(self.holdout_path) if self.holdout_path else None,
                "f_avg_labels": list(self.f_avg_labels) if self.f_avg_labels else None}


@dataclass(frozen=True)
class StoreSettings:
    dir: Path
    version: str | None
    promote: str
    sweep_promote: str


@dataclass(frozen=True)
class ImportSettings:
    file: Path | None
    format: str
    label_map: dict
    on_conflict: str
    unlabelled: str
    match_corpus: bool
    annotator: str | None
    by: str | None
    label_studio_control: str | None


@dataclass(frozen=True)
class QueueSettings:
    size: int
    uncertainty: str
    pool: int
    diversity: float
    max_similarity: float
    min_words: int


@dataclass(frozen=True)
class SampleSettings:
    size: int
    min_per_outlet: int
    min_words: int


@dataclass(frozen=True)
class AgreementSettings:
    first: Path | None
    second: Path | None
    files: tuple[Path, ...]   # any number of annotation files or tool exports (instead of first and second)


@dataclass(frozen=True)
class CompareSettings:
    dir: Path | None
    metric: str


@dataclass(frozen=True)
class Settings:
    """Everything a command needs, checked. ``features`` and ``model`` stay plain mappings:
    they are recorded verbatim on model cards and compared across versions."""

    command: str
    seed: int
    overrides: tuple[str, ...]
    sweep: bool
    corpus: CorpusSettings
    clean: Any            # stance.clean.CleanOptions
    segment: SegmentSettings
    actors: ActorSettings
    annotations: AnnotationSettings
    features: dict
    model: dict
    eval: EvalSettings
    report: Any           # stance.publish.ReportOptions
    store: StoreSettings
    importing: ImportSettings
    queue: QueueSettings
    sample: SampleSettings
    agreement: AgreementSettings
    compare: CompareSettings
    benchmark: dict | None
    launcher: LauncherSettings

    @property
    def labels(self) -> tuple[str, ...]:
        return self.annotations.labels

    def model_config(self) -> dict:
        """The setup a model card records: features, model, seed and protocol."""
        return {"features": self.features, "model": self.model, "seed": self.seed, "eval": self.eval.as_record()}


# --- reading each group ----------------------------------------------------------------


def _features(section: Section) -> dict:
    blocks = {}
    for name in ("word", "char"):
        block = section.group(name)
        low, high = _ngram_range(block)
        analyzer = "word" if name == "word" else block.text("analyzer", ("char", "char_wb"))
        min_df = block.number("min_df", minimum=0, above=0)
        max_df = block.number("max_df", above=0)
        if (min_df >= 1 and not float(min_df).is_integer()) or max_df > 1 and not float(max_df).is_integer():
            raise block.fail("min_df" if min_df >= 1 else "max_df", "a fraction in (0, 1] or a whole count")
        spec = {"enabled": block.flag("enabled"), "ngram_range": [low, high],
                "min_df": int(min_df) if min_df >= 1 else float(min_df),
                "max_df": int(max_df) if max_df > 1 else float(max_df),
                "max_features": block.number("max_features", minimum=1, integer=True, optional=True),
                "sublinear_tf": block.flag("sublinear_tf"), "lowercase": block.flag("lowercase")}
        if name == "word":
            spec["stop_words"] = block.text("stop_words", ("english",), optional=True)
        else:
            spec["analyzer"] = analyzer
        blocks[name] = spec
    cues = section.group("cues")
    lexicon = cues.group("lexicon")
    lexicon_values = {}
    for category, entries in lexicon.raw.items():
        if not isinstance(category, str) or not category.strip():
            raise lexicon.fail(str(category), "category names as text")
        if isinstance(entries, Mapping):
            entry = lexicon.group(category)
            unknown = set(entries) - {"verbs", "phrases"}
            if unknown:
                raise entry.fail(sorted(unknown)[0], "only verbs and phrases")
            lexicon_values[category] = {key: list(entry.strings(key)) for key in ("verbs", "phrases") if key in entries}
        else:
            lexicon_values[category] = list(lexicon.strings(category, allow_empty=False))
    blocks["cues"] = {"enabled": cues.flag("enabled"), "lexicon": lexicon_values}
    text = section.group("text")
    blocks["text"] = {"mask_names": text.flag("mask_names"), "mask_numbers": text.flag("mask_numbers"),
                      "mark_negation": text.flag("mark_negation"),
                      "negation_scope": text.number("negation_scope", minimum=1, maximum=10, integer=True)}
    blocks["attribution"] = {"enabled": section.group("attribution").flag("enabled")}
    for name in ("word", "char", "cues", "attribution"):
        if "weight" in section.raw[name]:
            blocks[name]["weight"] = section.group(name).number("weight", above=0)
    if not any(blocks[name]["enabled"] for name in ("word", "char", "cues", "attribution")):
        raise ConfigError("config: no feature set is enabled; set one of features.word.enabled, "
                          "features.char.enabled, features.cues.enabled or features.attribution.enabled to true")
    unknown = sorted(set(section.raw) - {"word", "char", "cues", "text", "attribution"})
    if unknown:
        raise ConfigError(f"config: features.{unknown[0]} is not a feature setting (word, char, cues, text, attribution)")
    return blocks


def _ngram_range(block: Section) -> tuple[int, int]:
    value = block.raw.get("ngram_range")
    if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                                           for v in value) and 1 <= value[0] <= value[1] <= 10):
        raise block.fail("ngram_range", "[low, high] with 1 <= low <= high <= 10")
    return int(value[0]), int(value[1])


def _model(section: Section) -> dict:
    class_weight = section.raw.get("class_weight")
    if class_weight not in (None, "balanced") and not (isinstance(class_weight, Mapping) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in class_weight.values())):
        raise section.fail("class_weight", "null, balanced or a mapping of label to a positive weight")
    return {"C": section.number("C", above=0), "class_weight": dict(class_weight) if isinstance(class_weight, Mapping)
            else class_weight, "max_iter": section.number("max_iter", minimum=1, integer=True),
            "solver": section.text("solver", SOLVERS), "tol": section.number("tol", above=0),
            "two_stage": section.flag("two_stage"),
            "calibration": section.text("calibration", ("none", "sigmoid", "isotonic")),
            "calibration_folds": section.number("calibration_folds", minimum=2, maximum=20, integer=True),
            "tune_offsets": section.flag("tune_offsets"),
            "offset_folds": section.number("offset_folds", minimum=2, maximum=20, integer=True)}


def _report(section: Section, labels: tuple[str, ...], seed: int):
    from .publish import OUTPUTS, ReportOptions
    from .intervals import Bootstrap
    from .quantify import METHODS
    from .timeline import UNITS

    net = section.group("net")
    plus, minus = net.text("plus", labels), net.text("minus", labels)
    if plus == minus:
        raise ConfigError(f"config: report.net.plus and report.net.minus are both {plus!r}; net stance needs two labels")
    outputs = section.group("outputs")
    unknown = sorted(set(outputs.raw) - set(OUTPUTS))
    if unknown:
        raise ConfigError(f"config: report.outputs has unknown entries {', '.join(map(str, unknown))}; "
                          f"expected {', '.join(OUTPUTS)}")
    bootstrap = section.group("bootstrap")
    return ReportOptions(
        labels=labels, outlet_column=section.text("outlet_column"), plus=plus, minus=minus,
        method=section.text("method", tuple(METHODS)), correct_in_sample=section.flag("correct_in_sample"),
        bootstrap=Bootstrap(bootstrap.number("n", minimum=0, maximum=1_000_000, integer=True),
                            bootstrap.number("seed", minimum=0, integer=True),
                            section.number("confidence", above=0, maximum=0.999)),
        min_n=section.number("min_n", minimum=0, integer=True),
        min_articles=section.number("min_articles", minimum=0, integer=True),
        print_tables=section.flag("print"), max_rows=section.number("max_rows", minimum=1, integer=True, optional=True),
        outputs=frozenset(name for name in OUTPUTS if outputs.flag(name)),
        chart_rows=section.group("charts").number("max_rows", minimum=1, integer=True, optional=True),
        html_rows=section.group("html").number("max_rows", minimum=1, integer=True, optional=True),
        sentences_per_cell=section.group("html").number("max_sentences_per_cell", minimum=0, integer=True),
        predictions=section.path("predictions"),
        timeline_unit=section.group("timeline").text("unit", UNITS),
        timeline_groups=section.group("timeline").number("max_groups", minimum=1, integer=True),
        network_window=section.group("networks").text("window", UNITS, optional=True),
    )


def _clean(section: Section):
    from .clean import CleanOptions

    return CleanOptions(
        drop_line_patterns=section.patterns("drop_line_patterns") + section.patterns("extra_drop_line_patterns"),
        strip_prefix_patterns=section.patterns("strip_prefix_patterns"),
        closing_line_patterns=section.patterns("closing_line_patterns"),
        closing_lines=section.number("closing_lines", minimum=0, integer=True),
        max_boilerplate_chars=section.number("max_boilerplate_chars", minimum=1, integer=True),
        caption_marker=section.text("caption_marker", optional=True) or "",
        drop_author_bio=section.flag("drop_author_bio"), repair_entities=section.flag("repair_entities"),
        normalize_quotes=section.flag("normalize_quotes"), collapse_spaces=section.flag("collapse_spaces"),
    )


def _corpus(section: Section) -> CorpusSettings:
    n_jobs = section.number("n_jobs", minimum=-1, integer=True)
    if n_jobs == 0:
        raise section.fail("n_jobs", "-1 (one worker per CPU core) or a whole number >= 1")
    formats = section.strings("predictions", allow_empty=False)
    unknown = [f for f in formats if f not in PREDICTION_FORMATS]
    if unknown:
        raise section.fail("predictions", "a list of " + " and ".join(PREDICTION_FORMATS))
    return CorpusSettings(section.path("path"), section.number("batch_size", minimum=1, integer=True),
                          section.number("progress_min_articles", minimum=0, integer=True), n_jobs, tuple(formats))


def _launcher(section: Section) -> LauncherSettings:
    name = section.text("name", ("local", "dask"))
    if name == "local":
        return LauncherSettings(name)
    return LauncherSettings(name, section.text("scheduler", optional=True),
                            section.number("workers", minimum=1, maximum=1024, integer=True),
                            section.number("partition_articles", minimum=1, integer=True),
                            section.number("in_flight", minimum=1, maximum=100, integer=True))


def _label_map(section: Section, key: str) -> dict:
    value = section.raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise section.fail(key, "a mapping of tool label names to project labels")
    return dict(value)


def _actors(actors: Section) -> ActorSettings:
    """The holder settings; the verbs of saying and the inverting verbs must be among the
    reporting verbs (and phrases), so that one list of lemmas stays the source of every cue."""
    verbs = actors.strings("reporting_verbs", allow_empty=False)
    phrases = actors.strings("phrases")
    known = {" ".join(v.lower().split()) for v in (*verbs, *phrases)}
    subsets = {}
    for key, allowed in (("speech_verbs", known), ("inverted_verbs", known - {" ".join(p.lower().split())
                                                                             for p in phrases})):
        values = actors.strings(key)
        stray = [v for v in values if " ".join(v.lower().split()) not in allowed]
        if stray:
            raise actors.fail(key, f"lemmas from actors.reporting_verbs{'' if key == 'inverted_verbs' else ' or actors.phrases'} "
                                   f"({stray[0]!r} is not one)")
        subsets[key] = values
    return ActorSettings(actors.path("path"), verbs, phrases,
                         actors.number("window", minimum=1, maximum=200, integer=True),
                         actors.number("quote_limit", minimum=0, maximum=100, integer=True),
                         actors.flag("resolve_pronouns"), actors.flag("resolve_titles"),
                         actors.flag("report_candidates"), subsets["speech_verbs"], subsets["inverted_verbs"],
                         actors.strings("statement_verbs", allow_empty=False), actors.path("holder_model"))


def from_config(raw: Mapping, base: Path) -> Settings:
    """Plain, checked settings from the resolved config (a plain dict); relative paths are
    resolved against ``base``, the folder the command was launched from."""
    from .evaluate import PROTOCOLS
    from .importing import FORMATS
    from .merge import POLICIES
    from .queue import METHODS as UNCERTAINTY

    root = Section(raw, "config", base)
    seed = root.number("seed", minimum=0, maximum=2**32 - 1, integer=True)
    overrides = root.strings("overrides")
    annotations = Section(raw.get("annotations"), "annotations", base)
    labels = annotations.strings("labels", allow_empty=False)
    if len(set(labels)) != len(labels) or len(labels) < 2:
        raise annotations.fail("labels", "at least two different labels")
    corpus, segment, actors = (Section(raw.get(n), n, base) for n in ("corpus", "segment", "actors"))
    evaluation, store, importing = (Section(raw.get(n), n, base) for n in ("eval", "store", "importing"))
    queue, agreement, compare = (Section(raw.get(n), n, base) for n in ("queue", "agreement", "compare"))
    sampling = Section(raw.get("sample"), "sample", base)
    f_avg = evaluation.strings("f_avg_labels", optional=True)
    if f_avg and set(f_avg) - set(labels):
        raise evaluation.fail("f_avg_labels", f"labels from [{', '.join(labels)}]")
    importing_format = importing.text("format", ("auto", *FORMATS))
    benchmark = raw.get("benchmark")
    if benchmark is not None and not isinstance(benchmark, Mapping):
        raise root.fail("benchmark", "a group of settings")
    return Settings(
        command=root.text("command"), seed=seed, overrides=overrides, sweep=root.flag("sweep"),
        corpus=_corpus(corpus),
        clean=_clean(Section(raw.get("clean"), "clean", base)),
        segment=SegmentSettings(segment.strings("abbreviations"), segment.flag("merge_fragments"),
                                segment.strings("attribution_verbs")),
        actors=_actors(actors),
        annotations=AnnotationSettings(annotations.path("path"), labels, annotations.flag("check_actors"),
                                       annotations.paths("actor_files")),
        features=_features(Section(raw.get("features"), "features", base)),
        model=_model(Section(raw.get("model"), "model", base)),
        eval=EvalSettings(evaluation.text("protocol", tuple(PROTOCOLS)),
                          evaluation.number("k", minimum=2, maximum=1000, integer=True),
                          evaluation.path("holdout_path"), f_avg,
                          evaluation.text("group_column"),
                          evaluation.number("n_jobs", minimum=-1, maximum=512, integer=True)),
        report=_report(Section(raw.get("report"), "report", base), labels, seed),
        store=StoreSettings(store.path("dir", optional=False), store.text("version", optional=True),
                            store.text("promote", PROMOTION_POLICIES), store.text("sweep_promote", PROMOTION_POLICIES)),
        importing=ImportSettings(importing.path("file"), importing_format, _label_map(importing, "label_map"),
                                 importing.text("on_conflict", tuple(POLICIES)),
                                 importing.text("unlabelled", ("skip", "error")), importing.flag("match_corpus"),
                                 importing.text("annotator", optional=True), importing.text("by", optional=True),
                                 importing.text("label_studio_control", optional=True)),
        queue=QueueSettings(queue.number("size", minimum=1, integer=True), queue.text("uncertainty", tuple(UNCERTAINTY)),
                            queue.number("pool", minimum=1, integer=True), queue.number("diversity", minimum=0),
                            queue.number("max_similarity", minimum=0, maximum=1),
                            queue.number("min_words", minimum=0, integer=True)),
        sample=SampleSettings(sampling.number("size", minimum=1, integer=True),
                              sampling.number("min_per_outlet", minimum=0, integer=True),
                              sampling.number("min_words", minimum=0, integer=True)),
        agreement=AgreementSettings(agreement.path("first"), agreement.path("second"), agreement.paths("files")),
        compare=CompareSettings(compare.path("dir"), compare.text("metric")),
        benchmark=dict(benchmark) if benchmark is not None else None,
        launcher=_launcher(Section(raw.get("launcher"), "launcher", base)),
    )
