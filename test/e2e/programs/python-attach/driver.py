"""Runs attach.program inline through the Pulumi Automation API and prints the result as JSON.

    python driver.py <up|preview|refresh|destroy|outputs|export|dispose> '<request JSON>'

The request: {"stack": name, "workDir": dir, "pluginDir": dir, "config": {key: value}} (config keys
with a ':' as given, e.g. "cinder:endpoint"; others get the project's prefix). Every command sets
the config first. The CLI is the `pulumi` on PATH with the environment this process has (PULUMI_HOME,
PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).

The Python Automation API's ProjectSettings has no `plugins` field (at 3.248.0), so the work dir
gets this folder's Pulumi.yaml with the plugin's path made absolute: a workspace given no project
settings loads the Pulumi.yaml it finds there.

Printed: up {summary, outputs, steps}; preview {changeSummary, steps}; refresh, destroy and dispose
(destroy, then remove the stack) {summary}; outputs {name: {value, secret}}; export what
`pulumi stack export` prints (secrets encrypted). On failure: {"error": text}, exit 1.
Steps are the engine's resource-pre events other than `same`: {op, name, type, keys, detailedDiff}.
"""

import json
import os
import subprocess
import sys
from typing import Any, Callable, Dict, List

import yaml
from pulumi import automation as auto

from attach import program

HERE = os.path.dirname(os.path.abspath(__file__))


def project_file(work_dir: str, plugin_dir: str) -> str:
    """Writes this folder's Pulumi.yaml into work_dir, the cinder plugin's path absolute; its project name."""
    with open(os.path.join(HERE, "Pulumi.yaml"), encoding="utf-8") as f:
        project = yaml.safe_load(f)
    project["plugins"] = {"providers": [{"name": "cinder", "path": os.path.abspath(plugin_dir)}]}
    os.makedirs(work_dir, exist_ok=True)
    with open(os.path.join(work_dir, "Pulumi.yaml"), "w", encoding="utf-8") as f:
        yaml.safe_dump(project, f, sort_keys=False)
    return str(project["name"])


def step_recorder() -> "tuple[List[Dict[str, Any]], Callable[[auto.EngineEvent], None]]":
    """A list and an on_event callback that appends each planned step except `same`."""
    steps: List[Dict[str, Any]] = []

    def on_event(event: auto.EngineEvent) -> None:
        pre = event.resource_pre_event
        if pre is None or pre.metadata.op == auto.OpType.SAME:
            return
        meta = pre.metadata
        steps.append(
            {
                "op": meta.op.value,
                "name": meta.urn.split("::")[-1],
                "type": meta.type,
                "keys": meta.keys or [],
                "detailedDiff": {k: v.diff_kind.value for k, v in (meta.detailed_diff or {}).items()},
            }
        )

    return steps, on_event


def summary(s: auto.UpdateSummary) -> Dict[str, Any]:
    """The parts of an update summary the tests read."""
    return {"kind": s.kind, "result": s.result, "resourceChanges": s.resource_changes or {}}


def outputs(out: auto.OutputMap) -> Dict[str, Any]:
    """Each output's value and whether the Automation API marks it secret."""
    return {name: {"value": o.value, "secret": o.secret} for name, o in out.items()}


def main(command: str, request: Dict[str, Any]) -> Any:
    """Runs one command on the request's stack and returns what to print."""
    project_name = project_file(request["workDir"], request["pluginDir"])
    stack = auto.create_or_select_stack(
        stack_name=request["stack"],
        project_name=project_name,
        program=program,
        opts=auto.LocalWorkspaceOptions(work_dir=request["workDir"]),
    )
    stack.set_all_config({k: auto.ConfigValue(value=str(v)) for k, v in request.get("config", {}).items()})
    if command == "up":
        steps, on_event = step_recorder()
        result = stack.up(on_event=on_event)
        return {"summary": summary(result.summary), "outputs": outputs(result.outputs), "steps": steps}
    if command == "preview":
        steps, on_event = step_recorder()
        preview = stack.preview(on_event=on_event)
        return {"changeSummary": preview.change_summary, "steps": steps}
    if command == "refresh":
        return {"summary": summary(stack.refresh().summary)}
    if command == "destroy":
        return {"summary": summary(stack.destroy().summary)}
    if command == "outputs":
        return outputs(stack.outputs())
    if command == "export":
        # `pulumi stack export` itself: Stack.export_stack() passes --show-secrets (decrypts them).
        exported = subprocess.run(
            ["pulumi", "stack", "export", "--stack", request["stack"]],
            cwd=request["workDir"],
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(exported.stdout)
    if command == "dispose":
        destroyed = stack.destroy()
        stack.workspace.remove_stack(request["stack"])
        return {"summary": summary(destroyed.summary)}
    raise ValueError(f"unknown command {command!r}")


if __name__ == "__main__":
    try:
        print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2]))))
    except Exception as err:  # the error's text is the result: the test reads it
        print(json.dumps({"error": str(err)}))
        sys.exit(1)
