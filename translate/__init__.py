"""Korean→English translation on CTranslate2 with the glossary enforced and checked.

    from translate import Translator
    segments = Translator(model="path/to/model", glossary="resources/glossary").translate(text)
"""
from translate.engine import Engine
from translate.model_files import ModelError, ModelFiles, locate_model, open_model
from translate.pipeline import Translator
from translate.segment import Segment, segment_text

__version__ = "0.1.0"
__all__ = ["Engine", "ModelError", "ModelFiles", "Segment", "Translator", "locate_model",
           "open_model", "segment_text", "__version__"]
