package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"linghang/program"
	"linghang/storage"
)

// The certificate register keeps, per cohort, the sequence of every
// certificate number issued: _jobs/certificates/<year>.json. A number once
// archived stays its holder's, and nobody else's, whatever later changes
// to the roster (program.CertificateNumbersKept). Applicants are named by
// a digest of their ID.
func certRegisterKey(year int) string { return fmt.Sprintf("_jobs/certificates/%d.json", year) }

type certRegister struct {
	// Cohorts: cohort number → applicant digest → sequence.
	Cohorts map[string]map[string]int `json:"cohorts"`
	etag    string
}

// registerID names an applicant in the register.
func registerID(id string) string {
	sum := sha256.Sum256([]byte("linghang/certificate-register/" + id))
	return hex.EncodeToString(sum[:12])
}

func (p *Pipeline) readCertRegister(ctx context.Context) (certRegister, error) {
	reg := certRegister{Cohorts: map[string]map[string]int{}}
	rc, info, err := p.Store.Get(ctx, certRegisterKey(p.Programme.Year))
	if errors.Is(err, storage.ErrNotFound) {
		return reg, nil
	}
	if err != nil {
		return reg, fmt.Errorf("读取证书编号登记：%w", err)
	}
	defer rc.Close()
	if err := json.NewDecoder(rc).Decode(&reg); err != nil {
		// Numbering from the roster again could give an issued number
		// to someone else: stop rather than guess.
		return reg, fmt.Errorf("证书编号登记 %s 无法解析：%w", certRegisterKey(p.Programme.Year), err)
	}
	if reg.Cohorts == nil {
		reg.Cohorts = map[string]map[string]int{}
	}
	reg.etag = info.ETag
	return reg, nil
}

// kept is the register's numbers for the applicants of cohort n, by ID,
// and the highest number issued in the cohort (holders who left keep
// theirs from being given again).
func (r certRegister) kept(n int, as []program.Applicant) (kept map[string]int, issued int) {
	c := r.Cohorts[strconv.Itoa(n)]
	if len(c) == 0 {
		return nil, 0
	}
	kept = map[string]int{}
	for _, a := range as {
		if seq, ok := c[registerID(a.ID)]; ok {
			kept[a.ID] = seq
		}
	}
	for _, seq := range c {
		issued = max(issued, seq)
	}
	return kept, issued
}

// registerNumbers records the sequences of cohorts' certificates now
// archived (cohort → applicant ID → sequence), keeping what is there.
func (p *Pipeline) registerNumbers(ctx context.Context, seqs map[int]map[string]int) error {
	if len(seqs) == 0 {
		return nil
	}
	for try := 0; try < 8; try++ {
		reg, err := p.readCertRegister(ctx)
		if err != nil {
			return err
		}
		changed := false
		for n, bySeq := range seqs {
			k := strconv.Itoa(n)
			if reg.Cohorts[k] == nil {
				reg.Cohorts[k] = map[string]int{}
			}
			for id, seq := range bySeq {
				rid := registerID(id)
				if _, ok := reg.Cohorts[k][rid]; !ok {
					reg.Cohorts[k][rid] = seq
					changed = true
				}
			}
		}
		if !changed {
			return nil
		}
		if conflict, err := putJSONAt(ctx, p.Store, certRegisterKey(p.Programme.Year), reg.etag, reg); !conflict {
			return err
		}
		// another run registered numbers: merge again
	}
	return fmt.Errorf("证书编号登记被并发修改，放弃本次登记")
}
