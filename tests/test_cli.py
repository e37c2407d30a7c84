"""The `stance` command as a user runs it: help, one-line errors, exit codes, run folders."""

import os
import subprocess
import sys


from stance.settings import PROJECT_ROOT


def stance(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "stance.cli", *args], capture_output=True, text=True,
                          cwd=cwd or PROJECT_ROOT, env={**os.environ, "HYDRA_FULL_ERROR": "0"}, timeout=300)


def test_help_lists_every_command_with_an_example():
    top = stance("--help")
    assert top.returncode == 0
    for name in ("run", "train", "evaluate", "predict", "report", "models", "promote"):
        assert f"  {name}" in top.stdout
    sub = stance("predict", "--help")
    assert sub.returncode == 0 and "stance predict corpus.path=DIR actors.path=FILE" in sub.stdout


def test_unknown_command_fails_cleanly():
    result = stance("frobnicate")
    assert result.returncode == 2 and "unknown command 'frobnicate'" in result.stderr


def test_bad_input_is_one_line_on_stderr_with_nonzero_exit(tmp_path, corpus_copy, trained_models):
    (corpus_copy / "manifest.csv").write_text("doc_id,path,outlet,title,date,author,url\nx,missing.txt,O,,,,\n",
                                              encoding="utf-8")
    result = stance("predict", f"corpus.path={corpus_copy}", f"store.dir={trained_models}",
                    f"hydra.run.dir={tmp_path / 'run'}")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0] == (f"stance predict: error: {corpus_copy / 'manifest.csv'}:2: "
                        "file 'missing.txt' listed for 'x' does not exist")
    assert not (tmp_path / "run" / "predictions.jsonl").exists()


def test_train_via_cli_writes_its_run_folder(tmp_path):
    run_dir = tmp_path / "run"
    result = stance("train", "annotations=seed", "eval=stratified_kfold", "eval.k=3", f"store.dir={tmp_path / 'models'}",
                    f"hydra.run.dir={run_dir}")
    assert result.returncode == 0, result.stderr
    assert "macro-F1" in result.stdout
    for name in ("metrics.json", "model_card.json", "cv_predictions.jsonl", ".hydra/config.yaml", ".hydra/overrides.yaml"):
        assert (run_dir / name).is_file(), name
    listed = stance("models", f"store.dir={tmp_path / 'models'}", f"hydra.run.dir={tmp_path / 'm'}")
    assert listed.returncode == 0 and listed.stdout.startswith("* ")


def test_relative_paths_resolve_against_the_launch_directory(tmp_path):
    (tmp_path / "ann.jsonl").write_text("", encoding="utf-8")
    result = stance("train", "annotations.path=ann.jsonl", f"store.dir={tmp_path / 'models'}",
                    f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{tmp_path / 'ann.jsonl'}: empty file" in result.stderr


def test_version_answers_and_no_arguments_is_help_with_a_nonzero_exit():
    version = stance("--version")
    assert version.returncode == 0 and version.stdout.startswith("stance 0.")
    bare = stance()
    assert bare.returncode == 2 and "commands:" in bare.stderr and "init" in bare.stderr


def test_top_level_help_loads_neither_hydra_nor_the_numeric_libraries():
    probe = ("import sys, io, contextlib; from stance.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()): main(['--help'])\n"
             "print(sorted(m for m in ('hydra', 'omegaconf', 'sklearn', 'pandas', 'matplotlib') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout + result.stderr


def test_command_help_lists_its_options_with_defaults_and_the_comments_of_conf():
    result = stance("queue", "--help")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    size = lines.index("  queue.size=20")
    assert lines[size + 1].strip() == "sentences in the queue"
    assert "  queue.uncertainty=margin" in lines
    assert any(line.startswith("  corpus.batch_size=64") for line in lines)


def test_command_help_gives_a_comment_whole_when_it_runs_over_several_lines():
    result = stance("train", "--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    # an inline comment continued on the next line, and a comment block above a key
    assert ("worker processes that label batches: -1 one per CPU core, 1 none (all in this process); "
            "a corpus of one batch is always labelled in this process") in text
    assert "store.sweep_promote=never In the jobs of a `-m` sweep this replaces `promote`:" in text


def test_hydra_flags_work_after_a_command(tmp_path):
    cfg = stance("train", "model.C=3", "--cfg", "job", "--package", "model")
    assert cfg.returncode == 0 and "C: 3" in cfg.stdout, cfg.stderr
    info = stance("run", "--info", "searchpath")
    assert info.returncode == 0 and "Config search path" in info.stdout, info.stderr
    everything = stance("run", "--info")
    assert everything.returncode == 0 and "Defaults List" in everything.stdout, everything.stderr
    hydra_help = stance("run", "--hydra-help")
    assert hydra_help.returncode == 0 and "--multirun" in hydra_help.stdout, hydra_help.stderr


def test_shell_completion_completes_commands_and_their_config(tmp_path):
    from stance.cli.completion import candidates

    script = stance("--completion", "bash")
    assert script.returncode == 0 and "-F _stance_completion stance" in script.stdout
    assert candidates("stance tr") == ["train"]
    assert "eval=leave_one_crisis_out" in candidates("stance train eval=")
    assert "model.C=" in candidates("stance train model.C")
    completed = subprocess.run([sys.executable, "-m", "stance.cli", "--complete"], capture_output=True, text=True,
                               env={**os.environ, "COMP_LINE": "stance retrain features=word_c"}, timeout=120)
    assert completed.stdout.split() == ["features=word_char", "features=word_char_cues", "features=word_cues"]


def test_shell_completion_completes_config_keys_inside_a_project(tmp_path, monkeypatch):
    from stance.cli.completion import candidates
    from stance.project import init_project

    init_project(tmp_path / "proj")
    monkeypatch.chdir(tmp_path / "proj")
    assert "model.C=" in candidates("stance predict model.C")
    assert "report.timeline.unit=" in candidates("stance predict report.timeline.u")
    assert "clean=project" in candidates("stance predict clean=")


def test_a_sweep_in_a_project_runs_each_job_in_that_project(tmp_path):
    from stance.project import init_project

    project = tmp_path / "proj"
    init_project(project)
    result = stance("models", "-m", "store.promote=never,always", cwd=project)
    assert result.returncode == 0, result.stderr
    outputs = [line for line in result.stdout.splitlines() if " output in " in line]
    assert len(outputs) == 2, result.stdout
    assert all(f"output in {project / 'outputs' / 'multirun'}" in line for line in outputs), result.stdout
    assert sorted(p.name for p in (project / "outputs" / "multirun" / "models").glob("*/*/*") if p.is_dir()) == ["0", "1"]


def test_each_sweep_job_labels_its_output(tmp_path, trained_models):
    result = stance("models", "-m", f"store.dir={trained_models}", "store.promote=never,always",
                    f"hydra.sweep.dir={tmp_path / 'sweep'}")
    assert result.returncode == 0, result.stderr
    labelled = [line for line in result.stdout.splitlines() if line.startswith("[job ")]
    assert any(line.startswith("[job 0: store.promote=never] * ") for line in labelled), result.stdout
    assert any(line.startswith("[job 1: store.promote=always] * ") for line in labelled), result.stdout
