global using Lucene.Splade.TestSupport;
global using NUnit.Framework;
