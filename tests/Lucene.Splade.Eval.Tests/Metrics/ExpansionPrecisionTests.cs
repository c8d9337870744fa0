using Lucene.Splade.Eval.Metrics;
using Lucene.Splade.Vectors;

namespace Lucene.Splade.Eval.Tests.Metrics;

public sealed class ExpansionPrecisionTests
{
    [Test]
    public void TheShareOfExpansionWeightOnTermsOfRelevantDocuments_AveragedOverQueries()
    {
        // Query 1: own pieces {1, 2}; expansion 3 (weight 1, in a relevant doc) and 4 (weight 3, in none): 1 / 4.
        // Query 2: own piece {5}; expansion 6 (weight 2, in the second relevant doc): 1.
        // Query 3: no expansion at all: not counted. Query 4: no relevant document: not counted.
        var items = new (SparseVector, IReadOnlySet<int>, IReadOnlyList<IReadOnlySet<int>>)[]
        {
            (new SparseVector([1, 2, 3, 4], [5f, 5f, 1f, 3f]), new HashSet<int> { 1, 2 }, [new HashSet<int> { 1, 3 }, new HashSet<int> { 9 }]),
            (new SparseVector([5, 6], [1f, 2f]), new HashSet<int> { 5 }, [new HashSet<int> { 1 }, new HashSet<int> { 6 }]),
            (new SparseVector([7], [1f]), new HashSet<int> { 7 }, [new HashSet<int> { 8 }]),
            (new SparseVector([8, 9], [1f, 1f]), new HashSet<int>(), []),
        };

        var (mean, queries) = ExpansionPrecision.Compute(items);

        Assert.That(queries, Is.EqualTo(2));
        Assert.That(mean, Is.EqualTo((0.25 + 1.0) / 2).Within(1e-12));
        Assert.That(ExpansionPrecision.Compute([]).Queries, Is.Zero);
    }
}
