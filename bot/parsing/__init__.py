"""Reading what people write: template labels, field values, amounts, periods, language."""
