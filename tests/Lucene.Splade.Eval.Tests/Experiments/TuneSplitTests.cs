using Lucene.Splade.Eval.Experiments;
using Lucene.Splade.Eval.Tests.Support;

namespace Lucene.Splade.Eval.Tests.Experiments;

public sealed class TuneSplitTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = TestData.TempFolder();
        Directory.CreateDirectory(Path.Combine(_folder, "qrels"));
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private void Splits(params string[] names)
    {
        foreach (var name in names)
        {
            File.WriteAllText(Path.Combine(_folder, "qrels", name + ".tsv"), "q\td\t1\n");
        }
    }

    [Test]
    public void DevIsPreferredToTrain()
    {
        Splits("test", "train", "dev");
        Assert.That(Experiment.ChooseTuneSplit(_folder, new ExperimentOptions()), Is.EqualTo("dev"));
    }

    [Test]
    public void TrainIsUsedWithoutDev()
    {
        Splits("test", "train");
        Assert.That(Experiment.ChooseTuneSplit(_folder, new ExperimentOptions()), Is.EqualTo("train"));
    }

    [Test]
    public void TestOnlyCollectionHasNoTuningSplit()
    {
        Splits("test");
        Assert.That(Experiment.ChooseTuneSplit(_folder, new ExperimentOptions()), Is.Null);
    }

    [Test]
    public void NeverTunesOnTheEvaluatedSplit()
    {
        Splits("test", "dev");
        Assert.That(Experiment.ChooseTuneSplit(_folder, new ExperimentOptions { Split = "dev" }), Is.Null, "dev evaluated: dev is not a tuning candidate");
        Assert.That(() => Experiment.ChooseTuneSplit(_folder, new ExperimentOptions { TuneSplit = "test" }), Throws.ArgumentException);
    }

    [Test]
    public void NoneDisablesTuning()
    {
        Splits("test", "train");
        Assert.That(Experiment.ChooseTuneSplit(_folder, new ExperimentOptions { TuneSplit = "none" }), Is.Null);
    }
}
