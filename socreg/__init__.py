"""socreg: the register of record and credit-supervision system for social organizations."""
