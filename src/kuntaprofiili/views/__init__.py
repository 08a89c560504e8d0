"""What a person sees: the terminal report, the interview prompts and the HTML report."""
