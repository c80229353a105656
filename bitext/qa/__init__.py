"""Segment QA for Korean→English translations, machine or human: omission, numbers,
untranslated text, repetition and punctuation. Pure Python; knows no engine and no glossary."""
from .check import check_pair
from .issue import CODES, SEVERITIES, QAIssue, untranslated_target
from .length import LengthModel, default_length_model
from .numbers import english_numbers, korean_numbers, parse_korean_number

__all__ = ["CODES", "SEVERITIES", "LengthModel", "QAIssue", "check_pair",
           "default_length_model", "english_numbers", "korean_numbers", "parse_korean_number",
           "untranslated_target"]
