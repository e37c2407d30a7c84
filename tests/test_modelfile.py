"""Model files: skops archives that load without running code, the same model giving the same bytes."""

import io
import json
import os
import pickle
import subprocess
import sys
import zipfile

import pytest

from stance import modelfile
from stance.settings import PROJECT_ROOT
from tests.conftest import features_spec, model_spec

TEXTS = ["The US must strike now.", "Officials warned of the risk of war.", "Troops arrived on Monday."]


def _model(char=True, cues=True):
    from stance.model import build_pipeline, fit

    return fit(build_pipeline(features_spec(word=(1, 2), char=char, cues=cues), model_spec(), 0),
               TEXTS * 2, ["advocate", "caution", "neutral"] * 2)


def test_a_saved_model_loads_and_predicts_exactly_as_before(tmp_path):
    model = _model()
    path = tmp_path / "model.skops"
    path.write_bytes(modelfile.dumps(model))
    loaded = modelfile.load(path)
    assert (loaded.predict_proba(TEXTS) == model.predict_proba(TEXTS)).all()
    assert loaded.named_steps["features"].transformer_list[0][1].vocabulary_ == \
        model.named_steps["features"].transformer_list[0][1].vocabulary_


def test_saving_leaves_the_fitted_model_whole():
    model = _model()
    before = dict(model.named_steps["features"].transformer_list[0][1].vocabulary_)
    modelfile.dumps(model)
    assert model.named_steps["features"].transformer_list[0][1].vocabulary_ == before


def test_the_same_model_gives_the_same_bytes_in_another_process():
    script = ("import sys; sys.path.insert(0, '.'); from tests.test_modelfile import _model; "
              "from stance import modelfile; import hashlib; print(hashlib.sha256(modelfile.dumps(_model())).hexdigest())")
    hashes = {subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (1, 2)}
    assert len(hashes) == 1


def test_the_archive_has_fixed_times_and_numbered_members():
    with zipfile.ZipFile(io.BytesIO(modelfile.dumps(_model()))) as archive:
        infos = archive.infolist()
        schema = json.loads(archive.read("schema.json"))
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert infos[0].filename == "schema.json" and all(info.filename[0].isdigit() for info in infos[1:])
    assert schema["__id__"] < 1000  # renumbered, not a memory address


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_a_pickle_is_refused_without_being_run(tmp_path):
    path = tmp_path / "model.skops"
    path.write_bytes(pickle.dumps(_Boom()))
    with pytest.raises(modelfile.ModelFileError, match="not a zip archive.*joblib pickle"):
        modelfile.load(path)


def test_a_skops_file_naming_a_function_is_refused(tmp_path):
    import skops.io

    path = tmp_path / "model.skops"
    path.write_bytes(skops.io.dumps({"format": 1, "pipeline": os.system, "vocabularies": {}}))
    with pytest.raises(modelfile.ModelFileError, match="types stance does not trust .*posix.system"):
        modelfile.load(path)


def test_a_skops_file_of_something_else_is_refused(tmp_path):
    import skops.io

    path = tmp_path / "model.skops"
    path.write_bytes(skops.io.dumps([1, 2, 3]))
    with pytest.raises(modelfile.ModelFileError, match="not a stance model"):
        modelfile.load(path)


def test_a_truncated_archive_is_refused(tmp_path):
    path = tmp_path / "model.skops"
    path.write_bytes(modelfile.dumps(_model())[:5000])
    with pytest.raises(modelfile.ModelFileError):
        modelfile.load(path)
