"""policy-assistant: answers staff questions about municipal policy documents, with citations.

The library is the pipeline parse → chunk → embed → index → retrieve → answer, one module per
step, behind one facade: ``assistant.facade.PolicyAssistant``. Importing this package loads nothing.
"""

__version__ = "0.1.0"
