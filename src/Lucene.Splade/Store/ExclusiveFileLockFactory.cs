using Lucene.Net.Store;
using LuceneLock = Lucene.Net.Store.Lock;

namespace Lucene.Splade.Store;

/// <summary>
/// A <see cref="FSLockFactory"/> whose locks hold an operating-system exclusive lock on the lock file for as long as
/// they are held, so that a second <c>IndexWriter</c> on the same folder is refused with
/// <see cref="LockObtainFailedException"/>, in this process or any other.
/// </summary>
/// <remarks>
/// <para>
/// Written because Lucene.NET 4.8's <see cref="NativeFSLockFactory"/> (the default of <see cref="FSDirectory.Open(string)"/>)
/// does not exclude a writer in another process on Linux (checked with 4.8.0-beta00017 and -beta00018: both
/// processes got a writer, and a document committed by one was lost when the other committed), while
/// <see cref="SimpleFSLockFactory"/> leaves a stale <c>write.lock</c> behind a killed process, which then blocks every
/// later writer until someone deletes it.
/// </para>
/// <para>
/// The lock is a <see cref="FileStream"/> opened with <see cref="FileShare.None"/>, which .NET maps to the platform's
/// exclusive file lock (<c>flock</c> on Linux and macOS, a share-mode open on Windows). The operating system releases
/// it when the process ends, even by <c>kill -9</c>, so a crash never leaves a lock behind. The lock file stays on
/// disk between uses (deleting it could let two processes lock two different files of the same name).
/// </para>
/// <para>Use it when opening the directory: <c>FSDirectory.Open(path, new ExclusiveFileLockFactory())</c>.</para>
/// </remarks>
public sealed class ExclusiveFileLockFactory : FSLockFactory
{
    /// <summary>Creates the factory; the lock files go into the folder of the <see cref="FSDirectory"/> it is given to.</summary>
    public ExclusiveFileLockFactory()
    {
    }

    /// <summary>Creates the factory for an explicit folder of lock files.</summary>
    /// <param name="lockDirectory">The folder that holds the lock files (created when needed).</param>
    /// <exception cref="ArgumentNullException"><paramref name="lockDirectory"/> is null.</exception>
    public ExclusiveFileLockFactory(string lockDirectory)
    {
        ArgumentNullException.ThrowIfNull(lockDirectory);
        SetLockDir(new DirectoryInfo(lockDirectory));
    }

    /// <inheritdoc />
    public override LuceneLock MakeLock(string lockName)
    {
        ArgumentNullException.ThrowIfNull(lockName);
        return new ExclusiveFileLock(Path.Combine(Folder(), LockPrefix is { Length: > 0 } prefix ? prefix + "-" + lockName : lockName));
    }

    /// <inheritdoc />
    /// <remarks>A lock held by a live process cannot be cleared; the file of a free lock is left in place (see the class remarks).</remarks>
    public override void ClearLock(string lockName)
    {
    }

    private string Folder() =>
        LockDir?.FullName ?? throw new InvalidOperationException("The ExclusiveFileLockFactory has no lock folder: give it to FSDirectory.Open, or pass the folder.");

    private sealed class ExclusiveFileLock(string path) : LuceneLock
    {
        private readonly object _gate = new();
        private FileStream? _stream;

        public override bool Obtain()
        {
            lock (_gate)
            {
                if (_stream is not null)
                {
                    return false; // held already, by this lock object
                }

                try
                {
                    System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return true;
                }
                catch (IOException)
                {
                    return false; // held by another process or lock object
                }
                catch (UnauthorizedAccessException e)
                {
                    FailureReason = e;
                    return false;
                }
            }
        }

        public override bool IsLocked()
        {
            lock (_gate)
            {
                if (_stream is not null)
                {
                    return true;
                }
            }

            try
            {
                using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                return false;
            }
            catch (FileNotFoundException)
            {
                return false;
            }
            catch (IOException)
            {
                return true;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                lock (_gate)
                {
                    _stream?.Dispose();
                    _stream = null;
                }
            }
        }

        public override string ToString() => $"ExclusiveFileLock@{path}";
    }
}
