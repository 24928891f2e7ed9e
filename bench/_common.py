"""What the bench scripts share: the baseline app they measure cmirev against."""

from __future__ import annotations

BARE_APP = """\
import typer

app = typer.Typer()


@app.command()
def main() -> None:
    print("hello")


app()
"""
