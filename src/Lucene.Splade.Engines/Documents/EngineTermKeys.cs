using System.Text;

namespace Lucene.Splade.Engines;

/// <summary>
/// Maps vocabulary terms to the feature keys that Elasticsearch's <c>sparse_vector</c> and OpenSearch's
/// <c>rank_features</c> fields accept, and back. Both engines reject a key that contains a <c>.</c> (they read it as an
/// object path), and BERT vocabularies hold such terms (<c>.</c>, <c>...</c>, <c>##.</c>). The mapping is a reversible
/// percent-encoding of two characters: <c>%</c> becomes <c>%25</c> and <c>.</c> becomes <c>%2E</c>; every other
/// character (<c>##</c> pieces included) is kept. So <c>u.s.</c> is stored as <c>u%2Es%2E</c>, <c>%</c> as <c>%25</c>,
/// and distinct terms always get distinct keys.
/// </summary>
/// <remarks>
/// Documents and queries written by this library use the same keys, so they match. A query built elsewhere (say in
/// Python) against an index written here must apply the same mapping. Stateless and thread-safe.
/// </remarks>
public static class EngineTermKeys
{
    /// <summary>The key of <paramref name="term"/>: <c>%</c> as <c>%25</c>, <c>.</c> as <c>%2E</c>, the rest as is.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="term"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="term"/> is empty.</exception>
    public static string ToKey(string term)
    {
        ArgumentException.ThrowIfNullOrEmpty(term);
        if (term.AsSpan().IndexOfAny('%', '.') < 0)
        {
            return term;
        }

        var key = new StringBuilder(term.Length + 8);
        foreach (var c in term)
        {
            key.Append(c switch
            {
                '%' => "%25",
                '.' => "%2E",
                _ => c.ToString(),
            });
        }

        return key.ToString();
    }

    /// <summary>The term whose key is <paramref name="key"/> (the inverse of <see cref="ToKey"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="FormatException">
    /// <paramref name="key"/> is empty, holds a <c>.</c>, or holds a <c>%</c> not followed by <c>25</c> or <c>2E</c>:
    /// <see cref="ToKey"/> never writes such a key.
    /// </exception>
    public static string FromKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 || key.Contains('.', StringComparison.Ordinal))
        {
            throw new FormatException($"'{key}' is not a key written by EngineTermKeys.ToKey (empty, or holds a '.').");
        }

        if (!key.Contains('%', StringComparison.Ordinal))
        {
            return key;
        }

        var term = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] != '%')
            {
                term.Append(key[i]);
                continue;
            }

            var escape = i + 2 < key.Length ? key.Substring(i + 1, 2) : "";
            term.Append(escape switch
            {
                "25" => '%',
                "2E" => '.',
                _ => throw new FormatException($"'{key}' holds '%' at {i} not followed by 25 or 2E; it is not a key written by EngineTermKeys.ToKey."),
            });
            i += 2;
        }

        return term.ToString();
    }
}
