#include "mpi/world.hpp"

#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "common/error.hpp"

#ifdef QINGLIU_HAVE_MPI
#include <mpi.h>
#endif

namespace qingliu::mpi {

namespace {

int env_int(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? std::atoi(v) : 0;
}

#ifdef QINGLIU_HAVE_MPI
void check(int rc, const char* what) {
    if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

template <class T>
std::vector<T> gather_as(const std::vector<T>& mine, MPI_Datatype type, int size, int rank) {
    if (mine.size() > static_cast<std::size_t>(INT_MAX)) throw std::runtime_error("MPI: a rank's share is too large to gather");
    const int n = static_cast<int>(mine.size());
    std::vector<int> counts(static_cast<std::size_t>(size)), displs(static_cast<std::size_t>(size));
    check(MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "gather of counts");
    std::vector<T> all;
    if (rank == 0) {
        long long total = 0;
        for (int r = 0; r < size; ++r) {
            displs[static_cast<std::size_t>(r)] = static_cast<int>(total);
            total += counts[static_cast<std::size_t>(r)];
        }
        if (total > INT_MAX) throw std::runtime_error("MPI: the ensemble is too large to gather at once");
        all.resize(static_cast<std::size_t>(total));
    }
    check(MPI_Gatherv(mine.data(), n, type, all.data(), counts.data(), displs.data(), type, 0, MPI_COMM_WORLD), "gather");
    return all;
}
#endif

}  // namespace

bool built_with_mpi() {
#ifdef QINGLIU_HAVE_MPI
    return true;
#else
    return false;
#endif
}

int launcher_size() {
    if (int n = env_int("OMPI_COMM_WORLD_SIZE"); n > 0) return n;
    if (int n = env_int("PMI_SIZE"); n > 0) return n;
    if (std::getenv("SLURM_STEP_ID"))
        if (int n = env_int("SLURM_NTASKS"); n > 0) return n;
    return 1;
}

World::World() {
    const int launched = launcher_size();
#ifdef QINGLIU_HAVE_MPI
    const bool launched_by_mpi = std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK") ||
                                 (std::getenv("SLURM_STEP_ID") && launched > 1);
    if (!launched_by_mpi) return;
    int already = 0;
    check(MPI_Initialized(&already), "MPI_Initialized");
    if (!already) {
        int provided = 0;
        check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
        initialised_ = true;
    }
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
#else
    if (launched > 1)
        throw InputError("built without MPI",
                         {{"", "", "mpirun", std::to_string(launched) + " processes",
                           "this qingliu was built without MPI, so each of the " + std::to_string(launched) +
                               " processes would run the whole ensemble and write the same files; install libopenmpi-dev "
                               "and rebuild (CMake finds it; option QINGLIU_MPI), or run one process"}});
#endif
}

World::~World() {
#ifdef QINGLIU_HAVE_MPI
    if (initialised_) MPI_Finalize();
#endif
}

bool World::any(bool mine) const {
#ifdef QINGLIU_HAVE_MPI
    if (size_ > 1) {
        int in = mine ? 1 : 0, out = 0;
        check(MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "allreduce");
        return out != 0;
    }
#endif
    return mine;
}

double World::max(double mine) const {
#ifdef QINGLIU_HAVE_MPI
    if (size_ > 1) {
        double out = 0.0;
        check(MPI_Allreduce(&mine, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD), "allreduce");
        return out;
    }
#endif
    return mine;
}

std::vector<double> World::gather(const std::vector<double>& mine) const {
#ifdef QINGLIU_HAVE_MPI
    if (size_ > 1) return gather_as(mine, MPI_DOUBLE, size_, rank_);
#endif
    return mine;
}

std::vector<std::uint8_t> World::gather(const std::vector<std::uint8_t>& mine) const {
#ifdef QINGLIU_HAVE_MPI
    if (size_ > 1) return gather_as(mine, MPI_UINT8_T, size_, rank_);
#endif
    return mine;
}

void World::barrier() const {
#ifdef QINGLIU_HAVE_MPI
    if (size_ > 1) check(MPI_Barrier(MPI_COMM_WORLD), "barrier");
#endif
}

}  // namespace qingliu::mpi
