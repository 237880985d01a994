// The processes of an MPI job, for ensembles that outgrow one machine: Monte Carlo draws and scenario batches are
// shared among ranks (optimize/montecarlo.hpp: ensemble_share) and their raw outcomes gathered to rank 0 in item
// order, so rank 0 summarises exactly what one process would.
//
// Built with MPI when CMake finds it (option QINGLIU_MPI); otherwise every World is a world of one. MPI is
// initialised only when the process was started by an MPI launcher (mpirun, mpiexec, srun), so the ordinary command
// line never touches MPI. Only rank 0 writes files and the run store.
#pragma once
#include <cstdint>
#include <vector>

namespace qingliu::mpi {

/// True when this build has MPI.
bool built_with_mpi();

/// Processes in the job that started this one, from the launcher's environment (Open MPI: OMPI_COMM_WORLD_SIZE;
/// MPICH/Hydra: PMI_SIZE; Slurm srun: SLURM_NTASKS with SLURM_STEP_ID); 1 when not started by a launcher.
int launcher_size();

class World {
public:
    /// Initialises MPI (MPI_THREAD_FUNNELED: only the constructing thread calls MPI) when built with it and started by a
    /// launcher; a world of one otherwise. Throws InputError when started as one of several processes by a launcher
    /// but built without MPI (every process would run the whole ensemble and write the same files).
    World();
    ~World();  ///< MPI_Finalize, when this World initialised MPI
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    int rank() const { return rank_; }
    int size() const { return size_; }
    bool root() const { return rank_ == 0; }

    /// True on every rank when any rank passes true.
    bool any(bool mine) const;
    /// Largest value over the ranks, on every rank.
    double max(double mine) const;
    /// Rank 0 receives every rank's vector, concatenated in rank order; the other ranks get an empty vector.
    std::vector<double> gather(const std::vector<double>& mine) const;
    std::vector<std::uint8_t> gather(const std::vector<std::uint8_t>& mine) const;
    void barrier() const;

private:
    int rank_ = 0, size_ = 1;
    bool initialised_ = false;
};

}  // namespace qingliu::mpi
