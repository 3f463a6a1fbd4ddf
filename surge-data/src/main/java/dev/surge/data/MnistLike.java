package dev.surge.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * MNIST and Fashion-MNIST: where to find the IDX files, how to fetch them, and how to load a split.
 *
 * <p>Lookup order for a directory holding the four files ({@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each raw or
 * {@code .gz}): the given data directory, {@code $SURGE_DATA}, {@code ~/.cache/surge}, and for Fashion-MNIST
 * {@code /usr/share/datasets/fashion-mnist} (Debian's {@code dataset-fashion-mnist}); in each base both the base and
 * {@code base/<name>} are tried. When absent, the files are downloaded from the official mirror into
 * {@code ~/.cache/surge/<name>}, checked with SHA-256 (of the uncompressed content for Fashion-MNIST, of the
 * {@code .gz} archive for MNIST, the digests widely published for the original files), and renamed into place only
 * when they verify.
 */
public enum MnistLike {
    MNIST("mnist", "MNIST", "https://ossci-datasets.s3.amazonaws.com/mnist/", null,
            new String[] {null, null, null, null},
            new String[] {"440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"}),
    FASHION_MNIST("fashion-mnist", "Fashion-MNIST", "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "/usr/share/datasets/fashion-mnist",
            new String[] {"c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"},
            new String[] {null, null, null, null});

    /** The four files, in the order of the hash arrays. */
    public static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private final String id;
    private final String title;
    private final String mirror;
    private final String systemDir;
    private final String[] contentSha256;
    private final String[] gzSha256;

    MnistLike(String id, String title, String mirror, String systemDir, String[] contentSha256, String[] gzSha256) {
        this.id = id;
        this.title = title;
        this.mirror = mirror;
        this.systemDir = systemDir;
        this.contentSha256 = contentSha256;
        this.gzSha256 = gzSha256;
    }

    public String id() {
        return id;
    }

    /** A loaded split: images and labels with matching counts. */
    public record Split(Idx.Images images, int[] labels) {
    }

    /** The directories searched, in order: only {@code dataDir} (as is and with the dataset id) when given. */
    public List<Path> searchPath(Path dataDir) {
        if (dataDir != null) {
            // an explicit directory is where the files must be: falling back to other copies would train on
            // data the user did not name
            return List.of(dataDir, dataDir.resolve(id));
        }
        LinkedHashSet<Path> bases = new LinkedHashSet<>();
        String env = System.getenv("SURGE_DATA");
        if (env != null && !env.isBlank()) {
            bases.add(Path.of(env));
        }
        bases.add(cacheDir().getParent());
        List<Path> dirs = new ArrayList<>();
        for (Path b : bases) {
            dirs.add(b);
            dirs.add(b.resolve(id));
        }
        if (systemDir != null) {
            dirs.add(Path.of(systemDir));
        }
        return dirs;
    }

    /** {@code ~/.cache/surge/<name>}, where downloads go. */
    public Path cacheDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "surge", id);
    }

    /**
     * The first directory on the search path that holds all four files; else downloads them (if
     * {@code download}) into the cache directory.
     *
     * @throws DataFormatException saying where it looked and what to install or where to put the files
     */
    public Path locate(Path dataDir, boolean download, Consumer<String> log) throws IOException {
        for (Path d : searchPath(dataDir)) {
            if (complete(d)) {
                return d;
            }
        }
        // an explicit directory is where the files must be: a download goes there too
        Path target = dataDir != null ? dataDir : cacheDir();
        String why = "not downloaded (--no-download)";
        if (download) {
            try {
                return fetch(target, log);
            } catch (IOException e) {
                why = e.getMessage();
            }
        }
        StringBuilder sb = new StringBuilder(title + " not found; looked in ");
        List<Path> sp = searchPath(dataDir);
        for (int i = 0; i < sp.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(sp.get(i));
        }
        sb.append(". Download failed: ").append(why).append(". ");
        if (systemDir != null) {
            sb.append("Install it with 'apt-get install dataset-").append(id).append("', or put ");
        } else {
            sb.append("Put ");
        }
        sb.append(String.join(".gz, ", FILES)).append(".gz into ").append(target)
                .append(" (or pass --data-dir DIR).");
        throw new DataFormatException(sb.toString());
    }

    private static Path find(Path dir, String name) {
        Path raw = dir.resolve(name);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private static boolean complete(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        for (String f : FILES) {
            if (find(dir, f) == null) {
                return false;
            }
        }
        return true;
    }

    /** Loads the training ({@code train = true}) or test split from a directory holding the files. */
    public static Split load(Path dir, boolean train) throws IOException {
        Path img = find(dir, FILES.get(train ? 0 : 2));
        Path lab = find(dir, FILES.get(train ? 1 : 3));
        if (img == null || lab == null) {
            throw new DataFormatException(dir, "missing " + (img == null ? FILES.get(train ? 0 : 2)
                    : FILES.get(train ? 1 : 3)) + "(.gz)");
        }
        Idx.Images images = Idx.readImages(img);
        int[] labels = Idx.readLabels(lab);
        if (images.count() != labels.length) {
            throw new DataFormatException(img + " holds " + images.count() + " images but " + lab + " holds "
                    + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] > 9) {
                throw new DataFormatException(lab, "label " + i + " is " + labels[i] + ", outside 0..9");
            }
        }
        return new Split(images, labels);
    }

    /** Downloads and verifies the four files into {@code dir}; each lands only after it verifies. */
    Path fetch(Path dir, Consumer<String> log) throws IOException {
        String base = System.getProperty("surge.mirror." + id, mirror);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        Files.createDirectories(dir);
        for (int i = 0; i < FILES.size(); i++) {
            String name = FILES.get(i) + ".gz";
            Path target = dir.resolve(name);
            if (Files.isRegularFile(target)) {
                continue;
            }
            Path tmp = Files.createTempFile(dir, name, ".part");
            try {
                log.accept("downloading " + base + name);
                HttpResponse<InputStream> r;
                try {
                    r = http.send(HttpRequest.newBuilder(URI.create(base + name)).timeout(Duration.ofMinutes(5))
                            .build(), HttpResponse.BodyHandlers.ofInputStream());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while downloading " + name);
                }
                if (r.statusCode() != 200) {
                    r.body().close();
                    throw new IOException("HTTP " + r.statusCode() + " for " + base + name);
                }
                MessageDigest gzSha = digest("SHA-256");
                try (InputStream in = new DigestInputStream(r.body(), gzSha)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                verify(tmp, name, HexFormat.of().formatHex(gzSha.digest()), i);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException
                     | java.nio.channels.UnresolvedAddressException e) {
                throw new IOException("cannot reach " + base + " (" + e.getClass().getSimpleName() + ")");
            } catch (IOException e) {
                if (e.getMessage() == null) {
                    throw new IOException("cannot reach " + base + " (" + e.getClass().getSimpleName() + ")");
                }
                throw e;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return dir;
    }

    private void verify(Path file, String name, String gotGzSha256, int i) throws IOException {
        if (gzSha256[i] != null && !gzSha256[i].equals(gotGzSha256)) {
            throw new DataFormatException(name + ": SHA-256 " + gotGzSha256 + " does not match the published "
                    + gzSha256[i] + " (corrupt or altered download; nothing was saved)");
        }
        if (contentSha256[i] != null) {
            MessageDigest sha = digest("SHA-256");
            try (InputStream in = new DigestInputStream(new GZIPInputStream(Files.newInputStream(file)), sha)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw new DataFormatException(name + ": downloaded file is not valid gzip (" + e.getMessage() + ")");
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (!contentSha256[i].equals(got)) {
                throw new DataFormatException(name + ": SHA-256 of the content " + got + " does not match the expected "
                        + contentSha256[i] + " (corrupt or altered download; nothing was saved)");
            }
        }
    }

    private static MessageDigest digest(String alg) {
        try {
            return MessageDigest.getInstance(alg);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(alg + " unavailable", e);
        }
    }

    /** Parses {@code mnist} or {@code fashion-mnist}. */
    public static MnistLike parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "mnist" -> MNIST;
            case "fashion-mnist", "fashion_mnist", "fmnist" -> FASHION_MNIST;
            default -> throw new IllegalArgumentException("not an IDX dataset: " + s);
        };
    }
}
