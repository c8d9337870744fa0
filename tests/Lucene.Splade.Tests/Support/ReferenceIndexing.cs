using Lucene.Splade.Tokenization;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Tests.Support;

/// <summary>
/// The terms and frequencies a document vector is indexed with, worked out from the documented rules in plain loops,
/// without calling the pruner, the quantizer or the vocabulary's own checks (the code under test):
/// <list type="number">
/// <item>drop weights below <see cref="PruningOptions.MinWeight"/> and below <see cref="PruningOptions.MinRatioToMax"/>
/// times the largest weight;</item>
/// <item>heaviest first (ties: lower id), keep terms until their running sum reaches
/// <see cref="PruningOptions.MassFraction"/> of the remaining total, then at most <see cref="PruningOptions.TopK"/>;</item>
/// <item><c>tf = round(weight x scale)</c>, halves away from zero, capped at the maximum; 0 is dropped;</item>
/// <item>bracketed tokens (<c>[CLS]</c>, <c>[unused0]</c>, ...) never reach the index.</item>
/// </list>
/// </summary>
internal static class ReferenceIndexing
{
    public static List<(int Id, int Tf)> TermFrequencies(SparseVector vector, Vocabulary vocabulary, PruningOptions pruning, float scale, int maxFrequency)
    {
        var terms = new List<(int Id, double Weight)>();
        for (var i = 0; i < vector.Count; i++)
        {
            terms.Add((vector.TermIds[i], vector.Weights[i]));
        }

        if (terms.Count > 0)
        {
            var max = terms.Max(t => t.Weight);
            terms = terms
                .Where(t => pruning.MinWeight is not { } min || t.Weight >= min)
                .Where(t => pruning.MinRatioToMax is not { } ratio || t.Weight >= (float)(max * ratio))
                .ToList();
        }

        var heaviestFirst = terms.OrderByDescending(t => t.Weight).ThenBy(t => t.Id).ToList();
        var keep = heaviestFirst.Count;
        if (pruning.MassFraction is { } mass and < 1)
        {
            var total = heaviestFirst.Sum(t => t.Weight);
            double running = 0;
            keep = 0;
            foreach (var term in heaviestFirst)
            {
                if (running >= mass * total)
                {
                    break;
                }

                running += term.Weight;
                keep++;
            }
        }

        if (pruning.TopK is { } k)
        {
            keep = Math.Min(keep, k);
        }

        var result = new List<(int Id, int Tf)>();
        foreach (var (id, weight) in heaviestFirst.Take(keep).OrderBy(t => t.Id))
        {
            var tf = (int)Math.Min(Math.Floor((weight * scale) + 0.5), maxFrequency);
            var token = vocabulary[id];
            if (tf > 0 && !(token.StartsWith('[') && token.EndsWith(']')))
            {
                result.Add((id, tf));
            }
        }

        return result;
    }
}
