"""Runs a composite action's steps as a GitHub runner does, for the Action's
suite (tests/buildpack/70-github-action.sh).

    action-runner.py ACTION_DIR WORKSPACE RESULT_JSON [NAME=VALUE…]

NAME=VALUE are the `with:` inputs; the others take action.yml's defaults.
RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE and RUNNER_TEMP come from this
process's env, as do the workflow's own env vars (HEROKU_API_KEY). For each
step, as the runner: `${{ inputs.* }}` and `${{ steps.*.outputs.* }}` are
resolved in `env:` (the only expressions action.yml may use: anything else
fails here), a fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY file is made, the
`run:` text is written to a script and run with `bash --noprofile --norc -eo
pipefail SCRIPT` in GITHUB_WORKSPACE with GITHUB_ACTION_PATH set, then the
lines the step appended to GITHUB_PATH are put in front of PATH for the next
steps, its outputs are read, and its summary is added to the job's. A failed
step ends the job (composite steps run on success()). Step output goes to
stdout (the job log); RESULT_JSON gets the steps' exit codes, the action's
outputs (from action.yml's `outputs:`), the job summary and the PATH added.
"""

import json
import os
import re
import subprocess
import sys
import uuid

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def resolve(text, inputs, steps):
    def value(match):
        expr = match.group(1)
        m = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", expr)
        if m:
            return inputs[m.group(1)]
        m = re.fullmatch(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", expr)
        if m:
            return steps.get(m.group(1), {}).get(m.group(2), "")
        raise SystemExit(f"action-runner: unsupported expression: {expr}")

    return EXPRESSION.sub(value, str(text))


def read_outputs(path):
    """GITHUB_OUTPUT: NAME=VALUE lines, or NAME<<DELIM … DELIM blocks."""
    outputs, lines = {}, open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            body = []
            i += 1
            while lines[i] != delim:
                body.append(lines[i])
                i += 1
            outputs[name] = "\n".join(body)
        elif "=" in line:
            name, val = line.split("=", 1)
            outputs[name] = val
        i += 1
    return outputs


def main():
    action_dir, workspace, result_path = sys.argv[1:4]
    action = yaml.safe_load(open(os.path.join(action_dir, "action.yml"), encoding="utf-8"))
    assert action["runs"]["using"] == "composite", "a composite action"
    inputs = {name: str(spec.get("default", "")) for name, spec in action.get("inputs", {}).items()}
    for arg in sys.argv[4:]:
        name, val = arg.split("=", 1)
        if name not in inputs:
            raise SystemExit(f"action-runner: action.yml has no input {name}")
        inputs[name] = val
    temp = os.environ["RUNNER_TEMP"]
    commands = os.path.join(temp, "_runner_file_commands")
    os.makedirs(commands, exist_ok=True)
    job_path = []
    steps, codes, summary = {}, [], ""
    for i, step in enumerate(action["runs"]["steps"]):
        assert step.get("shell") == "bash", "every step says shell: bash"
        env = dict(os.environ)
        env["PATH"] = os.pathsep.join(list(reversed(job_path)) + [os.environ["PATH"]])
        files = {}
        for var, prefix in [("GITHUB_OUTPUT", "set_output"), ("GITHUB_STEP_SUMMARY", "step_summary"),
                            ("GITHUB_PATH", "add_path"), ("GITHUB_ENV", "set_env")]:
            files[var] = os.path.join(commands, f"{prefix}_{uuid.uuid4()}")
            open(files[var], "w").close()
            env[var] = files[var]
        env.update({"GITHUB_ACTION_PATH": action_dir, "GITHUB_WORKSPACE": workspace,
                    "GITHUB_ACTIONS": "true", "CI": "true"})
        for var, val in (step.get("env") or {}).items():
            env[var] = resolve(val, inputs, steps)
        script = os.path.join(temp, f"step-{i}-{uuid.uuid4()}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(resolve(step["run"], inputs, steps))
        sys.stdout.flush()
        code = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                              cwd=workspace, env=env, check=False).returncode
        codes.append(code)
        steps[step.get("id", f"step{i}")] = read_outputs(files["GITHUB_OUTPUT"])
        summary += open(files["GITHUB_STEP_SUMMARY"], encoding="utf-8").read()
        job_path += [p for p in open(files["GITHUB_PATH"], encoding="utf-8").read().splitlines() if p]
        if code != 0:
            break
    outputs = {name: resolve(spec["value"], inputs, steps) for name, spec in action.get("outputs", {}).items()}
    with open(result_path, "w", encoding="utf-8") as f:
        json.dump({"codes": codes, "outputs": outputs, "summary": summary, "path": job_path,
                   "steps": steps}, f)
    return 0 if all(c == 0 for c in codes) else 1


if __name__ == "__main__":
    sys.exit(main())
