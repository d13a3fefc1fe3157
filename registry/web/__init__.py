"""What every page shares: templates, language, security headers, errors."""
