"""The core: where things are (``paths``), what an assignment declares (``manifest``,
``limits``, ``suite``, ``student_package``), how a submission is taken in (``intake``) and
how long any text from it may be (``textcap``). Nothing here runs student code."""
