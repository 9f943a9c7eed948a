"""What generated text is made of: ``names`` (people, places, company-name parts per
language), ``phrases`` (sentence pools) and ``text`` (names, e-mails, phones and paragraphs
drawn from them)."""
