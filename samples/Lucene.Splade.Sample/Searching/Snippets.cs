using System.Text.RegularExpressions;

namespace Lucene.Splade.Sample.Searching;

/// <summary>A short passage of a document around the first query word it contains (or its opening).</summary>
internal static partial class Snippets
{
    public const int Length = 160;

    public static string Make(string text, string query)
    {
        var flat = Whitespace().Replace(text, " ").Trim();
        if (flat.Length <= Length)
        {
            return flat;
        }

        var start = 0;
        foreach (Match word in Word().Matches(query))
        {
            if (word.Length < 3)
            {
                continue;
            }

            var at = flat.IndexOf(word.Value, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                start = Math.Max(0, at - (Length / 3));
                break;
            }
        }

        start = Math.Min(start, flat.Length - Length);

        // Start and end on word boundaries where that is near.
        var space = start == 0 ? -1 : flat.IndexOf(' ', start);
        if (space >= 0 && space - start < 20)
        {
            start = space + 1;
        }

        var end = Math.Min(flat.Length, start + Length);
        var lastSpace = flat.LastIndexOf(' ', end - 1, Math.Min(20, end - start));
        if (end < flat.Length && lastSpace > start)
        {
            end = lastSpace;
        }

        return (start > 0 ? "…" : "") + flat[start..end] + (end < flat.Length ? "…" : "");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();
}
