// qwen/sdk/safe_file.hpp and the link policy of qwen/sdk/atomic_file.hpp, on real files: what is not a
// regular file is named and never opened (a FIFO cannot hang a read), the size limit says the real size,
// modes change only through O_NOFOLLOW, writes never go through a link, and StrictModes' reasons.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <qwen/sdk/atomic_file.hpp>
#include <qwen/sdk/safe_file.hpp>

#include <chrono>
#include <string>

#include "support/temp_dir.hpp"

using qwen::test::read_file;
using qwen::test::TempDir;
namespace sdk = qwen::sdk;

namespace {

constexpr uid_t kNobody = 65534;

// The message of the qwen::sdk::Error `fn` throws ("" when it throws none).
template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const sdk::Error &e) {
    CHECK(e.status() == QWEN_ERR_CONFIG);
    return e.what();
  }
  return "";
}

mode_t mode_of(const std::string &path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

struct stat status(uid_t uid, mode_t mode) {
  struct stat st {};
  st.st_uid = uid;
  st.st_mode = S_IFREG | mode;
  return st;
}

// Restores the process's umask when the test ends.
struct Umask {
  explicit Umask(mode_t mask) : old(::umask(mask)) {}
  ~Umask() { ::umask(old); }
  mode_t old;
};

}  // namespace

TEST_CASE("safe_file: a regular file is read, a missing one is nullopt, a link is followed only when allowed") {
  TempDir d;
  const auto file = d.write("config.toml", "auth = \"openai\"\n").string();
  CHECK(sdk::read_regular_file(file, 1024) == std::optional<std::string>("auth = \"openai\"\n"));
  CHECK_FALSE(sdk::read_regular_file((d.path() / "absent").string(), 1024).has_value());

  const auto link = (d.path() / "link.toml").string();
  REQUIRE(::symlink(file.c_str(), link.c_str()) == 0);
  CHECK(sdk::read_regular_file(link, 1024) == std::optional<std::string>("auth = \"openai\"\n"));  // dotfiles
  CHECK(error_of([&] { sdk::read_regular_file(link, 1024, sdk::Links::Refuse); }) ==
        link + " is a symbolic link; qwen does not follow a link for this file");
}

TEST_CASE("safe_file: a directory, a FIFO and a device are named, not read, and a FIFO never blocks") {
  TempDir d;
  const auto dir = (d.path() / "settings.json").string();
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  CHECK(error_of([&] { sdk::read_regular_file(dir, 1024); }) == dir + " is a directory, not a file");

  const auto fifo = (d.path() / ".env").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto start = std::chrono::steady_clock::now();
  CHECK(error_of([&] { sdk::read_regular_file(fifo, 1024); }) == fifo + " is a FIFO (named pipe), not a file");
  CHECK(error_of([&] { sdk::open_regular_file(fifo, sdk::Links::Refuse); }) ==
        fifo + " is a FIFO (named pipe), not a file");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));  // no writer, and no hang

  // A link to a FIFO is what it points to when followed.
  const auto link = (d.path() / "to-fifo").string();
  REQUIRE(::symlink(fifo.c_str(), link.c_str()) == 0);
  CHECK(error_of([&] { sdk::read_regular_file(link, 1024); }) == link + " is a FIFO (named pipe), not a file");

  CHECK(error_of([] { sdk::read_regular_file("/dev/null", 1024); }) == "/dev/null is a character device, not a file");
}

TEST_CASE("safe_file: a file over the limit is refused with its real size, or cut at limit + 1 when asked") {
  TempDir d;
  const auto file = d.write("big", std::string(3 << 20, 'x')).string();
  CHECK(error_of([&] { sdk::read_regular_file(file, 1 << 20); }) ==
        file + " is too large (3.0 MiB; the limit is 1.0 MiB)");
  auto opened = sdk::open_regular_file(file);
  REQUIRE(opened);
  CHECK(sdk::read_opened_file(*opened, file, 100, sdk::Oversize::KeepFirstBytes).size() == 101);
  const auto small = d.write("small", std::string(100, 'y')).string();
  CHECK(sdk::read_regular_file(small, 100)->size() == 100);  // exactly the limit is fine
  CHECK(error_of([&] { sdk::read_regular_file(small, 99); }) ==
        small + " is too large (100 bytes; the limit is 99 bytes)");
}

TEST_CASE("safe_file: a mode is changed through O_NOFOLLOW only, never a link's target or a FIFO") {
  TempDir d;
  const auto file = d.write("oauth_creds.json", "{}").string();
  ::chmod(file.c_str(), 0644);
  CHECK_FALSE(sdk::chmod_without_following(file, 0600).has_value());
  CHECK(mode_of(file) == 0600);

  const auto decoy = d.write("passwd", "root:x:0:0\n").string();
  ::chmod(decoy.c_str(), 0644);
  const auto link = (d.path() / "link").string();
  REQUIRE(::symlink(decoy.c_str(), link.c_str()) == 0);
  auto why = sdk::chmod_without_following(link, 0600);
  REQUIRE(why.has_value());
  CHECK(why->find("is a symbolic link") != std::string::npos);
  CHECK(mode_of(decoy) == 0644);

  const auto fifo = (d.path() / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  why = sdk::chmod_without_following(fifo, 0600);
  REQUIRE(why.has_value());
  CHECK(*why == fifo + " is a FIFO (named pipe), not a file: its mode is not changed");
  CHECK(mode_of(fifo) == 0644);
}

TEST_CASE("safe_file: StrictModes refuses files other users own or can write, with the reason and the fix") {
  const uid_t me = 1000;
  CHECK_FALSE(sdk::ownership_problem(status(me, 0600), me).has_value());
  CHECK_FALSE(sdk::ownership_problem(status(me, 0644), me).has_value());
  CHECK_FALSE(sdk::ownership_problem(status(0, 0755), me).has_value());  // root's: the installed plugins
  CHECK(sdk::ownership_problem(status(me, 0666), me) ==
        std::optional<std::string>("is writable by other users (mode 0666)"));
  CHECK(sdk::ownership_problem(status(me, 0664), me) ==
        std::optional<std::string>("is writable by its group (mode 0664)"));
  CHECK(sdk::ownership_problem(status(0, 0777), me) ==
        std::optional<std::string>("is writable by other users (mode 0777)"));
  auto foreign = sdk::ownership_problem(status(54321, 0600), me);
  REQUIRE(foreign.has_value());
  CHECK(*foreign == "is owned by uid 54321, not by you or root");

  CHECK(sdk::strict_modes_problem("/h/.qwen", status(me, 0777), me) ==
        std::optional<std::string>("/h/.qwen is writable by other users (mode 0777): run `chmod go-w /h/.qwen`"));
  auto fix = sdk::strict_modes_problem("/h/.qwen/config.toml", status(54321, 0644), me);
  REQUIRE(fix.has_value());
  CHECK(fix->find("check who put it there") != std::string::npos);
  CHECK(fix->find("chown ") != std::string::npos);
}

TEST_CASE("safe_file: StrictModes on real files: a file chowned to nobody, a world-writable folder") {
  TempDir d;
  const auto file = d.write("config.toml", "").string();
  ::chmod(file.c_str(), 0600);
  CHECK_FALSE(sdk::strict_modes_problem(file).has_value());
  ::chmod(d.path().c_str(), 0777);
  auto open_dir = sdk::strict_modes_problem(d.path().string());
  REQUIRE(open_dir.has_value());
  CHECK(open_dir->find("is writable by other users (mode 0777)") != std::string::npos);
  ::chmod(d.path().c_str(), 0700);
  if (geteuid() == 0) {  // only root can give a file away
    REQUIRE(::chown(file.c_str(), kNobody, kNobody) == 0);
    auto owned = sdk::strict_modes_problem(file);
    REQUIRE(owned.has_value());
    CHECK(owned->find("is owned by nobody (uid 65534), not by you or root") != std::string::npos);
  }
  CHECK_FALSE(sdk::strict_modes_problem((d.path() / "absent").string()).has_value());
}

TEST_CASE("atomic_file: replace_user_file keeps the file's mode whatever the umask, and a new file is 0600") {
  TempDir d;
  Umask open_umask(0);
  const auto file = d.write("config.toml", "auth = \"a\"\n").string();
  ::chmod(file.c_str(), 0600);
  sdk::replace_user_file(file, "auth = \"b\"\n");
  CHECK(read_file(file) == "auth = \"b\"\n");
  CHECK(mode_of(file) == 0600);
  ::chmod(file.c_str(), 0640);
  sdk::replace_user_file(file, "auth = \"c\"\n");
  CHECK(mode_of(file) == 0640);
  const auto fresh = (d.path() / "new" / "config.toml").string();
  sdk::replace_user_file(fresh, "x\n");
  CHECK(mode_of(fresh) == 0600);
}

TEST_CASE("atomic_file: a user file that is a link or a folder is refused, the link's target untouched") {
  TempDir d;
  const auto target = d.write("dotfiles/qwen.toml", "mine\n").string();
  const auto link = (d.path() / "config.toml").string();
  REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
  CHECK(error_of([&] { sdk::replace_user_file(link, "auth = \"x\"\n"); }).find("is a symbolic link") !=
        std::string::npos);
  CHECK(read_file(target) == "mine\n");
  CHECK(sdk::is_symbolic_link(link));

  const auto dir = (d.path() / "dir.toml").string();
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  CHECK(error_of([&] { sdk::replace_user_file(dir, "x"); }) == dir + " is a directory, not a file");
}

TEST_CASE("atomic_file: write_file_atomically replaces a link at the path, never writes into its target") {
  TempDir d;
  const auto decoy = d.write("bashrc", "export PS1=mine\n").string();
  const auto link = (d.path() / "tty_history").string();
  REQUIRE(::symlink(decoy.c_str(), link.c_str()) == 0);
  sdk::write_file_atomically(link, "new history\n");
  CHECK(read_file(decoy) == "export PS1=mine\n");
  CHECK_FALSE(sdk::is_symbolic_link(link));
  CHECK(read_file(link) == "new history\n");
  CHECK(mode_of(link) == 0600);
}
