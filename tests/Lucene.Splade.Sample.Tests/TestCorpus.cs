using System.Text.Json;
using Lucene.Splade.Corpora;

namespace Lucene.Splade.Sample.Tests;

/// <summary>A tiny corpus on distinct topics, so that one query has one obvious answer.</summary>
internal static class TestCorpus
{
    public static readonly CorpusDocument[] Documents =
    [
        new("bread", "Baking bread at home", "Mix flour, water, yeast and salt, knead the dough and bake the loaf in a hot oven."),
        new("bike", "Fixing a bicycle puncture", "Remove the wheel, find the hole in the inner tube, patch it and pump up the tyre."),
        new("puppy", "Caring for a puppy", "Young dogs need regular meals, short walks, gentle training and plenty of sleep."),
        new("pension", "Saving for retirement", "Put part of every salary into a pension fund and let compound interest do the work."),
        new("tomato", "Growing tomatoes", "Plant seedlings in sunny soil, water them often and tie the stems to a stake."),
        new("guitar", "Learning the guitar", "Start with simple chords, practise every day and tune the strings before playing."),
    ];

    /// <summary>Writes documents as JSON Lines with the given id key ("id" or BEIR's "_id"); returns the path.</summary>
    public static string WriteJsonLines(string folder, IEnumerable<CorpusDocument>? documents = null, string idKey = "id", string name = "corpus.jsonl")
    {
        var path = Path.Combine(folder, name);
        File.WriteAllLines(path, (documents ?? Documents).Select(d =>
            JsonSerializer.Serialize(new Dictionary<string, string> { [idKey] = d.Id, ["title"] = d.Title, ["text"] = d.Text })));
        return path;
    }
}
