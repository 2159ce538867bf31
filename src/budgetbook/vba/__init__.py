"""Writes a VBA project (`vbaProject.bin`) from VBA source text, without Office.

The project is source-only: no compiled p-code and no performance cache, so Excel
compiles the modules from their source when it opens the workbook. The format pieces:
`compression` (MS-OVBA 2.4.1), `cfb` (the OLE compound file, MS-CFB) and `project`
(the PROJECT, PROJECTwm, VBA/dir and module streams, MS-OVBA 2.3).
"""

from .project import Module, ModuleKind, build_vba_project

__all__ = ["Module", "ModuleKind", "build_vba_project"]
