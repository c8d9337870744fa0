using Lucene.Splade.Eval.Commands;

namespace Lucene.Splade.Eval.Reporting;

/// <summary>The PNG of a sweep: nDCG@10 against SPLADE search latency (p50) or index size, one labelled point per value.</summary>
internal static class SweepPlot
{
    public static void Save(SweepReport sweep, bool bySize, string path, int width = 900, int height = 600)
    {
        double X(SweepPoint p) => bySize ? p.SpladeIndexBytes / 1048576.0 : p.SpladeP50Ms;

        var plot = new ScottPlot.Plot();
        var xs = sweep.Points.Select(X).ToArray();
        var ys = sweep.Points.Select(p => p.Metrics.Ndcg10).ToArray();
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = $"SPLADE, {sweep.Parameter}";
        for (var i = 0; i < xs.Length; i++)
        {
            plot.Add.Text(sweep.Points[i].Value, xs[i], ys[i]);
        }

        if (sweep.Bm25 is { } bm25)
        {
            var point = plot.Add.Scatter(new[] { X(bm25) }, new[] { bm25.Metrics.Ndcg10 });
            point.LegendText = "BM25";
            point.LineWidth = 0;
            point.MarkerSize = 10;
        }

        plot.Title($"{sweep.Dataset} ({sweep.Split}): nDCG@10 vs {(bySize ? "index size" : "search latency")}, sweeping {sweep.Parameter}");
        plot.XLabel(bySize ? "index size on disk (MiB)" : "search latency p50 (ms, one thread)");
        plot.YLabel("nDCG@10");
        plot.ShowLegend();
        plot.SavePng(path, width, height);
    }
}
