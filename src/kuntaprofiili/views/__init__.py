"""What a person sees: terminal report, whatif and compare views, interview, HTML report."""
