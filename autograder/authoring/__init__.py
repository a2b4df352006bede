"""What suite authors use: expectations and their messages (``expect``), objective
functions (``testfuncs``), checks of the source text (``static``) and credit for a saved
model (``model_credit``)."""
