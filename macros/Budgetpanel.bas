Attribute VB_Name = "Budgetpanel"
' budgetbook: the buttons of the sheet "Budgetrunda" in Budgetpanel.xlsm.
'
' This text file is the source. `budgetbook panel` builds the workbook from it (and
' from the xlwings module of the installed xlwings package); do not edit the VBA
' inside the workbook, edit this file and generate the workbook again.
'
' Each button runs one function of the Python package budgetbook (budgetbook.excel)
' through xlwings' RunPython (open-source xlwings, no PRO licence needed). Python
' catches its own errors and writes a Swedish message into the sheet; the handlers
' below only catch the case that Python could not be started at all.
' Keep this file ASCII: the VBA project stores module text in code page 1252.
Option Explicit

Private Const PANEL_SHEET As String = "Budgetrunda"
Private Const MESSAGE_CELL As String = "B12"

Public Sub KontrolleraInlamningar()
    On Error GoTo Failed
    BeginRun
    If RunPython("import budgetbook.excel; budgetbook.excel.kontrollera_inlamningar()") <> 0 Then ShowPythonFailure
    EndRun
    Exit Sub
Failed:
    ShowFailure
End Sub

Public Sub Konsolidera()
    On Error GoTo Failed
    BeginRun
    If RunPython("import budgetbook.excel; budgetbook.excel.konsolidera()") <> 0 Then ShowPythonFailure
    EndRun
    Exit Sub
Failed:
    ShowFailure
End Sub

Public Sub SkapaWordUtkast()
    On Error GoTo Failed
    BeginRun
    If RunPython("import budgetbook.excel; budgetbook.excel.skapa_word_utkast()") <> 0 Then ShowPythonFailure
    EndRun
    Exit Sub
Failed:
    ShowFailure
End Sub

Public Sub KorAllt()
    On Error GoTo Failed
    BeginRun
    If RunPython("import budgetbook.excel; budgetbook.excel.kor_allt()") <> 0 Then ShowPythonFailure
    EndRun
    Exit Sub
Failed:
    ShowFailure
End Sub

Private Sub BeginRun()
    Application.StatusBar = "budgetbook arbetar ..."
    Application.Cursor = xlWait
End Sub

Private Sub EndRun()
    Application.Cursor = xlDefault
    Application.StatusBar = False
End Sub

Private Sub ShowPythonFailure()
    On Error Resume Next
    ThisWorkbook.Worksheets(PANEL_SHEET).Range(MESSAGE_CELL).Value = _
        "Knappen kunde inte starta budgetbook: Python avslutades med ett fel (se felrutan). " & _
        "Oftast saknas budgetbook i den Python som knappen startar. " & _
        "Se installationsguiden docs/excel-button.md, avsnittet Om knappen inte fungerar."
End Sub

Private Sub ShowFailure()
    Dim description As String
    description = Err.Description
    EndRun
    On Error Resume Next
    ThisWorkbook.Worksheets(PANEL_SHEET).Range(MESSAGE_CELL).Value = _
        "Knappen kunde inte starta budgetbook (" & description & "). " & _
        "Se installationsguiden docs/excel-button.md, avsnittet Om knappen inte fungerar."
End Sub
