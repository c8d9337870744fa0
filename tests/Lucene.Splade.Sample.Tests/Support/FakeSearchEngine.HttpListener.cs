using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lucene.Splade.TestSupport;

/// <summary>
/// The fake engine's HTTP server in the sample's tests: the BCL's <see cref="HttpListener"/> on a free loopback port
/// (WireMock.Net would bring ASP.NET Core into this test folder, where the out-of-process tests run the console
/// without it).
/// </summary>
internal sealed partial class FakeSearchEngine
{
    private partial IDisposable StartServer(out string url)
    {
        var listener = new HttpListener();
        url = $"http://127.0.0.1:{FreePort()}";
        listener.Prefixes.Add(url + "/");
        listener.Start();
        _ = Task.Run(() => ServeAsync(listener));
        return new Stopping(listener);
    }

    private async Task ServeAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // The Elasticsearch client gzips request bodies by default; the engines accept that, so does this fake.
            var input = context.Request.Headers["Content-Encoding"] == "gzip"
                ? new GZipStream(context.Request.InputStream, CompressionMode.Decompress)
                : context.Request.InputStream;
            using var reader = new StreamReader(input, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var request = context.Request;
            var answer = Handle(new RecordedRequest(request.HttpMethod, request.Url!.AbsolutePath, request.ContentType, request.Headers["Accept"], body));
            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = FakeResponse.ContentType;
            if (answer.ElasticProduct is { } product)
            {
                context.Response.Headers["X-Elastic-Product"] = product;
            }

            if (answer.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private sealed class Stopping(HttpListener listener) : IDisposable
    {
        public void Dispose() => listener.Close();
    }
}
