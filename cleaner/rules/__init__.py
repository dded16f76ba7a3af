"""Rule packs: loading, validation (patterns, examples, parameter schemas) and selection.

See :mod:`cleaner.rules.pack` for the format and :mod:`cleaner.rules.schema` for the
parameters of code-decided rules."""
from cleaner.rules.pack import (CODE_KINDS, KINDS, PATTERN_KINDS, PROFILES, Extension, Rule, RuleError, allow_key,
                                builtin_rules_dir, check_linear, is_anchored, load_pack, load_rules, parse_rule,
                                read_pack, required_literals, select_rules)

__all__ = ["CODE_KINDS", "KINDS", "PATTERN_KINDS", "PROFILES", "Extension", "Rule", "RuleError", "allow_key",
           "builtin_rules_dir", "check_linear", "is_anchored", "load_pack", "load_rules", "parse_rule", "read_pack",
           "required_literals", "select_rules"]
