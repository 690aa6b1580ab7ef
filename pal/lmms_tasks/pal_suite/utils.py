"""The `pal_suite` lmms-eval task's functions: they live in `pal.lmms` (nbs/13_lmms.ipynb), where they are tested."""
from pal.lmms import data_file, doc_to_audio, doc_to_choice, doc_to_target, doc_to_text, process_results  # noqa: F401

DATA_FILE = data_file()   # the MMAU-layout JSON the task reads: $PAL_LMMS_DATA, else pal.lmms.default_data_file()
