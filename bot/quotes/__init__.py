"""Review quotes: a Discord-free service over the store (search, random picks, whole reviews)."""

from bot.quotes.models import Attribution, Quote, Review, ReviewSummary, SearchResult
from bot.quotes.query import MAX_QUERY_CHARS, SearchQuery, parse_query, words
from bot.quotes.service import SEARCH_LIMIT, QuoteService, RandomResult, RecentQuotes

__all__ = [
    "MAX_QUERY_CHARS", "SEARCH_LIMIT", "Attribution", "Quote", "QuoteService", "RandomResult", "RecentQuotes",
    "Review", "ReviewSummary", "SearchQuery", "SearchResult", "parse_query", "words",
]
