using System.Globalization;
using Lucene.Splade.Eval.Commands;

// Reports, run files and run names are read by tools and people alike: one number format whatever the machine's culture.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return CliApp.Create().Run(args);
