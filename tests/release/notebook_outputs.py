"""Reading an executed notebook the way a student reads it: errors, check lines, the
environment and progress cells, figures that were never drawn, how long Run All took."""

from __future__ import annotations

from datetime import datetime


def text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def problems(nb) -> list[str]:
    """Error outputs and stderr text: what a student would see as something gone wrong."""
    found = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {index}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {index}: stderr: {output.text[:300]}")
    return found


def check_lines(nb) -> list[str]:
    """The lines of the visible checks (not of the environment and progress cells the build adds)."""
    return [line for cell in nb.cells if cell.cell_type == "code" and cell.metadata["nnf"]["kind"] == "check"
            and "role" not in cell.metadata["nnf"] for line in text(cell).splitlines()]


def role_output(nb, role: str) -> str:
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nnf", {}).get("role") == role]
    return text(cell)


def progress_rows(nb, tasks) -> dict[str, str]:
    """task -> verdict, from the progress table."""
    rows = {}
    for line in role_output(nb, "progress").splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] in tasks:
            rows[parts[0]] = parts[2]
    return rows


def figure_reprs(nb) -> list[str]:
    """``<Figure size ... with 0 Axes>`` shown as text: a figure that was never drawn."""
    return [o["data"]["text/plain"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.get("data", {}).get("text/plain", "").startswith("<Figure") and "image/png" not in o["data"]]


def run_all_seconds(nb) -> float:
    """From the first cell's start to the last cell's reply, as nbclient records them."""
    times = [(c.metadata["execution"]["iopub.execute_input"], c.metadata["execution"]["shell.execute_reply"])
             for c in nb.cells if c.cell_type == "code" and "execution" in c.metadata]
    parse = datetime.fromisoformat
    return (parse(times[-1][1].replace("Z", "+00:00")) - parse(times[0][0].replace("Z", "+00:00"))).total_seconds()
