"""The stages of the pipeline, one module a job (what runs in which order is declared in
:mod:`cleaner.pipeline`)."""
