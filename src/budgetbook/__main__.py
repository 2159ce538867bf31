"""`python -m budgetbook …` (on Windows `py -m budgetbook …`): the same CLI as `budgetbook`.

On Windows, `pip install --user` puts budgetbook.exe in a Scripts folder that is not on
PATH ("'budgetbook' känns inte igen som ett internt eller externt kommando"); Python
itself is, so this always works."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="budgetbook")
